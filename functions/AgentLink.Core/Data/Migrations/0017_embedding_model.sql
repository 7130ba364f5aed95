-- Which embedding model the stored memory vectors come from (one row). When an install configures another
-- model, the host that starts first switches: the column takes the new dimension (or, for the same
-- dimension, the old vectors are cleared), and the ReembedMemories timer fills the vectors again in the
-- background. Until a memory has its new vector it is found by words only.
alter table agent_memories alter column embedding drop not null, alter column embedding_model drop not null;
create table memory_embedding_model (
    singleton  boolean primary key default true check (singleton),
    model      text not null,
    dimensions int not null,
    changed_at timestamptz not null default now()
);
insert into memory_embedding_model (model, dimensions) values ('all-MiniLM-L6-v2', 384);
create index agent_memories_unembedded on agent_memories (id) where embedding is null;
