-- One audit of one agent over a window. The criteria used are a snapshot (later edits of the rubric
-- never change a run), and so is the evidence: the agent's messages, thread replies and task results
-- in the window, with their ids to link back to.
create table audit_runs (
    id               uuid primary key,
    workspace_id     uuid not null references workspaces (id) on delete cascade,
    agent_user_id    uuid not null references remote_agents (user_id) on delete cascade,
    judge            text not null check (judge in ('llm', 'agent', 'person')),
    window_start     timestamptz not null,
    window_end       timestamptz not null,
    status           text not null check (status in ('queued', 'running', 'done', 'failed')),
    failure          text,
    criteria         jsonb not null,
    criteria_source  text not null,
    criteria_version int not null,
    evidence         jsonb not null,
    scores           jsonb,
    overall          double precision,
    band             text check (band in ('healthy', 'warning', 'critical')),
    delta            double precision,
    baseline         boolean not null default false,
    notes            text,
    requested_by     uuid references users (id) on delete set null,
    judged_by        uuid references users (id) on delete set null,
    created_at       timestamptz not null default now(),
    completed_at     timestamptz
);
create index audit_runs_agent on audit_runs (agent_user_id, created_at desc);
