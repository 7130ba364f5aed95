-- What a judge found ({severity, title, description, criterion, evidence ids}) and recommends
-- ({id, kind, text, effort, expectedLift, status open|applied|dismissed, taskId}); applying a
-- recommendation creates a task for the agent.
alter table audit_runs
    add column findings jsonb not null default '[]',
    add column recommendations jsonb not null default '[]';
