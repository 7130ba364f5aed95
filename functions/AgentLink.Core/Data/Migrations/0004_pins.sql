-- Pinned messages: a channel's pins are the messages with pinned_at set, newest pin first.
alter table channel_messages
    add column pinned_at timestamptz,
    add column pinned_by uuid references users (id) on delete set null;
create index channel_messages_pinned on channel_messages (channel_id, pinned_at desc) where pinned_at is not null;
