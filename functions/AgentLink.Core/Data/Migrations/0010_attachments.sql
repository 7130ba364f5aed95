-- Files on messages. The bytes live in Azure Blob Storage (Azurite locally) under blob_name; the
-- browser or agent uploads them straight there with a short-lived write SAS, then confirms. A row is
-- 'pending' until confirmed, 'ready' once its bytes were checked (size, sniffed type), and belongs to
-- a message once posted with it. Deleted (or never confirmed) rows are collected with their blobs.
create table attachments (
    id             uuid primary key default gen_random_uuid(),
    workspace_id   uuid not null references workspaces (id) on delete cascade,
    channel_id     uuid not null references channels (id) on delete cascade,
    uploader_id    uuid not null references users (id),
    message_id     uuid references channel_messages (id) on delete set null,
    blob_name      text not null unique,
    name           text not null,
    claimed_type   text not null,
    content_type   text,
    size           bigint not null,
    kind           text not null default 'file' check (kind in ('image', 'file')),
    -- Scriptable content (HTML, SVG, JavaScript) is only ever served as a download.
    download_only  boolean not null default false,
    width          int,
    height         int,
    has_thumbnail  boolean not null default false,
    status         text not null default 'pending' check (status in ('pending', 'ready')),
    created_at     timestamptz not null default now(),
    confirmed_at   timestamptz,
    deleted_at     timestamptz
);
create index attachments_message on attachments (message_id) where message_id is not null;
create index attachments_collect on attachments (created_at) where deleted_at is not null or status = 'pending';
