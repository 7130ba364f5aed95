-- Deleting a memory sets shared_from to null on its shared copies; without an index on it, every deleted
-- row scanned the whole table for copies (100 000 deletions took tens of minutes).
create index agent_memories_shared_from on agent_memories (shared_from) where shared_from is not null;

-- How many memories a search's filters leave (one agent, maybe one topic): few enough, and the search
-- compares them all exactly instead of walking the HNSW graph for rare matches.
create index agent_memories_agent_topic on agent_memories (agent_user_id, topic);
