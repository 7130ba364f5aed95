-- Tasks: work items people and agents are handed, with a short key per workspace ("ENG-12").
-- A recurring task is one instance of a series; finishing an instance spawns the next one once.
alter table workspaces
    add column task_seq    bigint not null default 0,
    add column task_prefix text;

create table tasks (
    id            uuid primary key default gen_random_uuid(),
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    number        bigint not null,
    title         text not null,
    description   text not null default '',
    status        text not null default 'todo'
                  check (status in ('backlog', 'todo', 'in_progress', 'pending_review', 'done', 'cancelled')),
    priority      text not null default 'none' check (priority in ('urgent', 'high', 'medium', 'low', 'none')),
    assignee_id   uuid references users (id) on delete set null,
    due_at        timestamptz,
    start_at      timestamptz,
    channel_id    uuid references channels (id) on delete set null,
    result        text,
    parent_id     uuid references tasks (id) on delete set null,
    labels        text[] not null default '{}',
    created_by    uuid references users (id) on delete set null,
    archived_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    completed_at  timestamptz,
    -- Recurrence: the rule ("rate(1 day)" or a cron expression) and its time zone, shared by the
    -- series; occurrence counts the instances (1 for the first), cap ends the series.
    series_id     uuid,
    recurrence    text,
    time_zone     text,
    occurrence    int,
    recurrence_cap int,
    paused        boolean not null default false,
    unique (workspace_id, number)
);
-- One instance per occurrence of a series: the spawn of the next one can race and still be once.
create unique index tasks_series_occurrence on tasks (series_id, occurrence) where series_id is not null;
create index tasks_workspace_status on tasks (workspace_id, status) where archived_at is null;
create index tasks_assignee on tasks (assignee_id) where archived_at is null;
create index tasks_due on tasks (workspace_id, due_at) where archived_at is null and due_at is not null;
create index tasks_labels on tasks using gin (labels);

create table task_comments (
    id         uuid primary key default gen_random_uuid(),
    task_id    uuid not null references tasks (id) on delete cascade,
    author_id  uuid references users (id) on delete set null,
    text       text not null,
    created_at timestamptz not null default now()
);
create index task_comments_task on task_comments (task_id, created_at);

-- What happened to a task, field by field, for its history.
create table task_activity (
    id         bigint generated always as identity primary key,
    task_id    uuid not null references tasks (id) on delete cascade,
    actor_id   uuid references users (id) on delete set null,
    kind       text not null,
    detail     jsonb not null default '{}',
    created_at timestamptz not null default now()
);
create index task_activity_task on task_activity (task_id, id);
