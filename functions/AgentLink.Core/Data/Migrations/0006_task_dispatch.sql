-- Each reason a task is sent to its assignee, claimed once: the claim and the agent's outbox row
-- (or the person's notification event) commit together, so however many function instances and
-- timer ticks race, an assignee gets each dispatch once.
create table task_dispatches (
    task_id       uuid not null references tasks (id) on delete cascade,
    reason        text not null check (reason in ('assigned', 'due', 'reminder')),
    -- 'assigned': the assignee's id; 'due' and 'reminder': the due time they are about.
    key           text not null,
    recipient_id  uuid not null,
    dispatched_at timestamptz not null default now(),
    primary key (task_id, reason, key)
);
