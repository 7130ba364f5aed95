-- The rubric audits score an agent against: a workspace's default, and per-agent overrides. Every change
-- is a new version (the history); the newest version of each scope is the one in force. An agent's version
-- whose criteria are null means "inherit from the workspace" again.
create table audit_criteria_versions (
    id            uuid primary key default gen_random_uuid(),
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    -- null: the workspace's default rubric; else this agent's override.
    agent_user_id uuid references remote_agents (user_id) on delete cascade,
    version       int not null,
    criteria      jsonb,
    change        text not null check (change in ('edited', 'reset', 'inherited')),
    changed_by    uuid references users (id) on delete set null,
    created_at    timestamptz not null default now()
);
create unique index audit_criteria_versions_scope on audit_criteria_versions
    (workspace_id, coalesce(agent_user_id, '00000000-0000-0000-0000-000000000000'::uuid), version);
