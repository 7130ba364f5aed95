using System.Data;
using AgentLink.Core.Data;
using Dapper;

namespace AgentLink.Core.Tasks;

public static class TaskStatuses
{
    public static readonly string[] All = ["backlog", "todo", "in_progress", "pending_review", "done", "cancelled"];
    public static bool IsFinished(string status) => status is "done" or "cancelled";
}

public static class TaskPriorities
{
    public static readonly string[] All = ["urgent", "high", "medium", "low", "none"];
}

public sealed record TaskPerson(Guid Id, string Name, string Kind);

public sealed record TaskRecurrence(string Rule, string TimeZone, Guid SeriesId, int Occurrence, int Cap, bool Paused);

/// <summary>A task as the API and the workspace stream show it.</summary>
public sealed record TaskView(
    Guid Id, Guid WorkspaceId, string Key, long Number, string Title, string Description, string Status, string Priority,
    TaskPerson? Assignee, DateTime? DueAt, DateTime? StartAt, Guid? ChannelId, string? Result, Guid? ParentId, string[] Labels,
    TaskPerson? CreatedBy, DateTime? ArchivedAt, DateTime CreatedAt, DateTime UpdatedAt, DateTime? CompletedAt, TaskRecurrence? Recurrence);

public static class TaskQueries
{
    /// <summary>Callers append WHERE/ORDER clauses on alias t.</summary>
    public const string Select = """
        select t.id, t.workspace_id, coalesce(w.task_prefix, 'TASK') || '-' || t.number as key, t.number, t.title, t.description,
               t.status, t.priority, t.assignee_id, a.name as assignee_name, a.kind as assignee_kind, t.due_at, t.start_at,
               t.channel_id, t.result, t.parent_id, t.labels, t.created_by, cb.name as created_by_name, cb.kind as created_by_kind,
               t.archived_at, t.created_at, t.updated_at, t.completed_at,
               t.series_id, t.recurrence, t.time_zone, t.occurrence, t.recurrence_cap, t.paused
        from tasks t join workspaces w on w.id = t.workspace_id
        left join users a on a.id = t.assignee_id
        left join users cb on cb.id = t.created_by
        """;

    private sealed class Row
    {
        public Guid Id { get; set; }
        public Guid WorkspaceId { get; set; }
        public string Key { get; set; } = "";
        public long Number { get; set; }
        public string Title { get; set; } = "";
        public string Description { get; set; } = "";
        public string Status { get; set; } = "";
        public string Priority { get; set; } = "";
        public Guid? AssigneeId { get; set; }
        public string? AssigneeName { get; set; }
        public string? AssigneeKind { get; set; }
        public DateTime? DueAt { get; set; }
        public DateTime? StartAt { get; set; }
        public Guid? ChannelId { get; set; }
        public string? Result { get; set; }
        public Guid? ParentId { get; set; }
        public string[] Labels { get; set; } = [];
        public Guid? CreatedBy { get; set; }
        public string? CreatedByName { get; set; }
        public string? CreatedByKind { get; set; }
        public DateTime? ArchivedAt { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime UpdatedAt { get; set; }
        public DateTime? CompletedAt { get; set; }
        public Guid? SeriesId { get; set; }
        public string? Recurrence { get; set; }
        public string? TimeZone { get; set; }
        public int? Occurrence { get; set; }
        public int? RecurrenceCap { get; set; }
        public bool Paused { get; set; }

        public TaskView ToView() => new(Id, WorkspaceId, Key, Number, Title, Description, Status, Priority,
            AssigneeId is { } a ? new TaskPerson(a, AssigneeName ?? "", AssigneeKind ?? "human") : null,
            Utc(DueAt), Utc(StartAt), ChannelId, Result, ParentId, Labels,
            CreatedBy is { } c ? new TaskPerson(c, CreatedByName ?? "", CreatedByKind ?? "human") : null,
            Utc(ArchivedAt), Utc(CreatedAt)!.Value, Utc(UpdatedAt)!.Value, Utc(CompletedAt),
            SeriesId is { } s && Recurrence is not null
                ? new TaskRecurrence(Recurrence, TimeZone ?? "UTC", s, Occurrence ?? 1, RecurrenceCap ?? Tasks.Recurrence.DefaultCap, Paused)
                : null);

        private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
    }

    public static async Task<IReadOnlyList<TaskView>> QueryAsync(IDbConnection conn, string where, object args, CancellationToken ct, IDbTransaction? tx = null) =>
        (await conn.QueryAsync<Row>(Cmd.For(Select + " " + where, args, ct, tx))).Select(r => r.ToView()).ToList();

    public static async Task<TaskView?> GetAsync(IDbConnection conn, Guid taskId, CancellationToken ct, IDbTransaction? tx = null) =>
        (await QueryAsync(conn, "where t.id = @taskId", new { taskId }, ct, tx)).SingleOrDefault();

    public const string ActivitySql = "insert into task_activity (task_id, actor_id, kind, detail) values (@taskId, @actorId, @kind, @detail::jsonb)";

    public static Task RecordAsync(IDbConnection conn, IDbTransaction tx, Guid taskId, Guid? actorId, string kind, object detail, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(ActivitySql, new { taskId, actorId, kind, detail = System.Text.Json.JsonSerializer.Serialize(detail, System.Text.Json.JsonSerializerOptions.Web) }, ct, tx));
}
