-- AI agents: onboarding (registrations and claims), the MQTT agent ids they
-- connect, the durable outbox of what the platform owes them, and the ids of
-- what they sent (so a redelivered MQTT message is written once).

-- An agent that registered itself over HTTP. Its API key is shown once and only
-- its SHA-256 is kept (the key is 256 random bits, so a slow hash adds nothing).
create table agent_registrations (
    id               uuid primary key default gen_random_uuid(),
    agent_name       text not null,
    framework_type   text,
    api_key_hash     bytea not null unique,
    created_at       timestamptz not null default now(),
    -- Unclaimed registrations can be claimed until then; claimed ones keep working.
    claim_expires_at timestamptz not null,
    workspace_id     uuid references workspaces (id) on delete cascade,
    claimed_by       uuid references users (id),
    claimed_at       timestamptz
);
create index agent_registrations_workspace_idx on agent_registrations (workspace_id) where workspace_id is not null;

-- One MQTT agent id of a claimed registration. Each is its own principal (a users
-- row of kind 'agent'), so it can be a workspace member, a channel member and a DM peer.
-- Its user id is also its MQTT username and client id.
create table remote_agents (
    user_id          uuid primary key references users (id) on delete cascade,
    workspace_id     uuid not null references workspaces (id) on delete cascade,
    registration_id  uuid not null references agent_registrations (id) on delete cascade,
    -- Chosen by the agent; appears in its topic names.
    agent_id         text not null,
    status           text not null default 'offline' check (status in ('online', 'busy', 'away', 'offline')),
    last_seen        timestamptz,
    created_at       timestamptz not null default now(),
    unique (workspace_id, agent_id)
);
create index remote_agents_registration_idx on remote_agents (registration_id);

-- What the platform owes agents, written in the same transaction as the change
-- that caused it, and published by the bridge in id order per stream (an agent's
-- inbox, or a channel's topic). Delivered rows stay for a while as the record.
create table agent_outbox (
    id            bigserial primary key,
    -- The envelope id agents de-duplicate by.
    message_id    uuid not null unique,
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    -- 'inbox': agent_user_id's inbox topic. 'channel': channel_id's topic.
    target        text not null check (target in ('inbox', 'channel')),
    agent_user_id uuid references remote_agents (user_id) on delete cascade,
    channel_id    uuid references channels (id) on delete cascade,
    -- Channel rows: the message's author, whom the broker leaves out (an agent never receives its own posts).
    author_id     uuid,
    -- The agent or channel whose order this row keeps.
    stream_id     uuid not null,
    payload       jsonb not null,
    created_at    timestamptz not null default now(),
    delivered_at  timestamptz,
    check ((target = 'inbox' and agent_user_id is not null) or (target = 'channel' and channel_id is not null))
);
create index agent_outbox_pending_idx on agent_outbox (stream_id, id) where delivered_at is null;

-- Message ids an agent has sent and we have written: a QoS 1 redelivery (after a
-- reconnect, a bridge crash, a second bridge on the same subscription) finds its
-- id here and is acknowledged without a second write.
create table agent_inbound (
    agent_user_id uuid not null references remote_agents (user_id) on delete cascade,
    message_id    uuid not null,
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    received_at   timestamptz not null default now(),
    primary key (agent_user_id, message_id)
);
