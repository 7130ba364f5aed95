-- A skill assigned to an agent, and how its delivery stands: 'pending' while the version's
-- skill.assigned envelope waits for the agent's skill.ack, 'delivered' once acknowledged.
create table skill_assignments (
    skill_id      uuid not null references skills (id) on delete cascade,
    agent_user_id uuid not null references remote_agents (user_id) on delete cascade,
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    version       int not null,
    status        text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    error         text,
    envelope_id   uuid not null,
    assigned_by   uuid references users (id) on delete set null,
    assigned_at   timestamptz not null default now(),
    delivered_at  timestamptz,
    primary key (skill_id, agent_user_id)
);
create index skill_assignments_agent on skill_assignments (agent_user_id);
