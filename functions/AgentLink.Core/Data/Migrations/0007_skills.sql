-- Skills: Agent Skills SKILL.md documents per workspace. The name is the slug; each edit is a new,
-- immutable version, identified by its number and its content hash.
create table skills (
    id           uuid primary key default gen_random_uuid(),
    workspace_id uuid not null references workspaces (id) on delete cascade,
    slug         text not null,
    created_by   uuid references users (id) on delete set null,
    created_at   timestamptz not null default now(),
    latest       int not null default 0,
    unique (workspace_id, slug)
);

create table skill_versions (
    skill_id     uuid not null references skills (id) on delete cascade,
    number       int not null,
    description  text not null,
    version      text,
    license      text,
    metadata     jsonb not null default '{}',
    body         text not null,
    content      text not null,
    content_hash text not null,
    created_by   uuid references users (id) on delete set null,
    created_at   timestamptz not null default now(),
    primary key (skill_id, number),
    unique (skill_id, content_hash)
);
