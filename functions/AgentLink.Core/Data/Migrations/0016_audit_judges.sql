-- Who judges a workspace's audits, and when they run.
--  * audit_settings: the default judge (person, llm, agent), the LLM endpoint and model, its API key
--    (AES-GCM ciphertext; never returned), and a switch that pauses every scheduled audit.
--  * remote_agents.auditor: agents that may judge others (they get audit.request on their inbox).
--  * audit_schedules: once, daily or weekly per agent; the timer takes a due row under its lock and
--    moves next_run_at in the same transaction as the run it starts, so a tick runs it once.
--  * A run can be skipped (no new activity, audits paused): recorded with its reason, like a failure.
create table audit_settings (
    workspace_id  uuid primary key references workspaces (id) on delete cascade,
    judge         text not null default 'person' check (judge in ('person', 'llm', 'agent')),
    llm_endpoint  text,
    llm_model     text,
    llm_key       bytea,
    paused        boolean not null default false,
    updated_by    uuid references users (id) on delete set null,
    updated_at    timestamptz not null default now()
);

alter table remote_agents add column auditor boolean not null default false;

create table audit_schedules (
    agent_user_id  uuid primary key references remote_agents (user_id) on delete cascade,
    workspace_id   uuid not null references workspaces (id) on delete cascade,
    cadence        text not null check (cadence in ('once', 'daily', 'weekly')),
    judge          text check (judge in ('person', 'llm', 'agent')),
    audit_window   text not null check (audit_window in ('24h', '7d', '30d')),
    next_run_at    timestamptz,
    last_run_id    uuid,
    created_by     uuid references users (id) on delete set null,
    created_at     timestamptz not null default now()
);
create index audit_schedules_due on audit_schedules (next_run_at) where next_run_at is not null;

alter table audit_runs drop constraint audit_runs_status_check;
alter table audit_runs add constraint audit_runs_status_check check (status in ('queued', 'running', 'done', 'failed', 'skipped'));
alter table audit_runs
    add column auditor_user_id uuid references users (id) on delete set null,
    -- The LLM judge's record: model, endpoint, evidence ids, and per criterion the prompt, its hash and the raw answer.
    add column judge_trace     jsonb,
    add column started_at      timestamptz,
    add column scheduled       boolean not null default false;
create index audit_runs_waiting on audit_runs (status, created_at) where status in ('queued', 'running');
