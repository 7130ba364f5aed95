-- Accounts, tenancy, channels, messages and the per-workspace event log.
-- Every table that belongs to a tenant carries workspace_id so that every
-- query can check the caller's workspace and the schema can later be sharded by it.

create extension if not exists vector;

create table users (
    id            uuid primary key default gen_random_uuid(),
    -- 'human' signs in with a password; 'agent' principals arrive with the AgentLink protocol.
    kind          text not null default 'human' check (kind in ('human', 'agent')),
    email         text,
    name          text not null,
    password_hash text,
    created_at    timestamptz not null default now()
);
create unique index users_email_key on users (lower(email)) where email is not null;

create table sessions (
    id          uuid primary key,
    user_id     uuid not null references users (id) on delete cascade,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    revoked_at  timestamptz
);
create index sessions_user_idx on sessions (user_id);

create table workspaces (
    id          uuid primary key default gen_random_uuid(),
    name        text not null,
    owner_id    uuid not null references users (id),
    -- Last sequence number handed out in this workspace; the row lock taken to
    -- bump it orders commits, so a reader that sees seq N has every seq below N.
    last_seq    bigint not null default 0,
    created_at  timestamptz not null default now()
);

create table memberships (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    user_id      uuid not null references users (id) on delete cascade,
    role         text not null check (role in ('owner', 'admin', 'member', 'viewer')),
    joined_at    timestamptz not null default now(),
    primary key (workspace_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table invitations (
    id           uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces (id) on delete cascade,
    -- Only a hash of the token is kept: a leaked table does not leak invites.
    token_hash   bytea not null unique,
    role         text not null check (role in ('admin', 'member', 'viewer')),
    created_by   uuid not null references users (id),
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    revoked_at   timestamptz,
    accept_count int not null default 0
);
create index invitations_workspace_idx on invitations (workspace_id);

create table channels (
    id           uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces (id) on delete cascade,
    type         text not null check (type in ('channel', 'dm')),
    name         text not null,
    is_private   boolean not null default false,
    -- For DMs: the two member ids, sorted, so a pair has exactly one DM.
    dm_key       text,
    topic        text not null default '',
    created_by   uuid not null references users (id),
    created_at   timestamptz not null default now(),
    archived_at  timestamptz,
    last_message_seq bigint not null default 0
);
create unique index channels_name_key on channels (workspace_id, lower(name)) where type = 'channel';
create unique index channels_dm_key on channels (workspace_id, dm_key) where type = 'dm';

create table channel_members (
    channel_id    uuid not null references channels (id) on delete cascade,
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    user_id       uuid not null references users (id) on delete cascade,
    joined_at     timestamptz not null default now(),
    last_read_seq bigint not null default 0,
    primary key (channel_id, user_id)
);
create index channel_members_user_idx on channel_members (user_id, workspace_id);

create table channel_messages (
    id            uuid primary key default gen_random_uuid(),
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    channel_id    uuid not null references channels (id) on delete cascade,
    author_id     uuid not null references users (id),
    parent_id     uuid references channel_messages (id),
    seq           bigint not null,
    text          text not null,
    created_at    timestamptz not null default now(),
    edited_at     timestamptz,
    deleted_at    timestamptz,
    reply_count   int not null default 0,
    last_reply_at timestamptz,
    search        tsvector generated always as (to_tsvector('english', text)) stored,
    unique (workspace_id, seq)
);
create index channel_messages_history_idx on channel_messages (channel_id, seq desc) where parent_id is null;
create index channel_messages_thread_idx on channel_messages (parent_id, seq) where parent_id is not null;
create index channel_messages_search_idx on channel_messages using gin (search);

create table message_mentions (
    message_id   uuid not null references channel_messages (id) on delete cascade,
    workspace_id uuid not null,
    user_id      uuid not null references users (id) on delete cascade,
    primary key (message_id, user_id)
);
create index message_mentions_user_idx on message_mentions (user_id, workspace_id);

create table message_reactions (
    message_id   uuid not null references channel_messages (id) on delete cascade,
    workspace_id uuid not null,
    user_id      uuid not null references users (id) on delete cascade,
    emoji        text not null,
    created_at   timestamptz not null default now(),
    primary key (message_id, user_id, emoji)
);

-- The durable record of everything a browser is told, by per-workspace seq.
-- The relay replays from here on reconnect (Last-Event-ID) and fills any gap
-- the at-most-once pub/sub leaves. Audience: user_id set = that user only;
-- else channel_id set = that channel's members; else every workspace member.
create table workspace_events (
    workspace_id uuid not null references workspaces (id) on delete cascade,
    seq          bigint not null,
    type         text not null,
    channel_id   uuid,
    user_id      uuid,
    payload      jsonb not null,
    created_at   timestamptz not null default now(),
    primary key (workspace_id, seq)
);
