-- What agents remember. Each memory belongs to one agent of one workspace; a memory shared with
-- another agent is a copy of it for that agent (source 'cross-agent', shared_from the original).
-- The embedding comes from the configured IEmbeddingGenerator (all-MiniLM-L6-v2 by default, 384
-- dimensions); search fuses its HNSW (cosine) ranking with full-text ranking.
create table agent_memories (
    id            uuid primary key,
    workspace_id  uuid not null references workspaces (id) on delete cascade,
    agent_user_id uuid not null references remote_agents (user_id) on delete cascade,
    content       text not null,
    topic         text,
    source        text not null check (source in ('conversation', 'dreaming', 'human', 'cross-agent')),
    confidence    real not null default 0.5 check (confidence >= 0 and confidence <= 1),
    pinned        boolean not null default false,
    shared_from   uuid references agent_memories (id) on delete set null,
    created_by    uuid references users (id) on delete set null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    embedding     vector(384) not null,
    embedding_model text not null,
    search        tsvector generated always as (to_tsvector('english', coalesce(topic, '') || ' ' || content)) stored
);
create index agent_memories_embedding on agent_memories using hnsw (embedding vector_cosine_ops) with (m = 16, ef_construction = 64);
create index agent_memories_search on agent_memories using gin (search);
create index agent_memories_agent on agent_memories (agent_user_id, created_at desc);
