-- Timer functions run by the standalone runtime claim each tick here, so a tick runs once
-- however many instances share the database (under Azure Functions the host's own timer
-- trigger does this). Kept a day for inspection, then pruned.
create table timer_runs (
    function_name text not null,
    due_at        timestamptz not null,
    instance      text not null,
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    outcome       text check (outcome in ('succeeded', 'failed')),
    error         text,
    primary key (function_name, due_at)
);

-- Retention prunes by age. These tables are append-mostly in time order, so a BRIN index
-- finds old rows for a few pages of index and costs the hot inserts next to nothing.
create index workspace_events_created_brin on workspace_events using brin (created_at);
create index agent_outbox_created_brin on agent_outbox using brin (created_at);
create index agent_inbound_received_brin on agent_inbound using brin (received_at);
