-- An agent's own messages over a window: the evidence of its audits, and the schedule's "anything new since
-- the last run?" check. Without it both scan every message of the install.
create index channel_messages_author_idx on channel_messages (author_id, created_at) where deleted_at is null;
