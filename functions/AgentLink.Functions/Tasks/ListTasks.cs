using System.Globalization;

using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class ListTasks(NpgsqlDataSource dataSource)
{
    public sealed record Page(IReadOnlyList<TaskView> Items, long? NextAfter);

    // Every filter is optional; a null parameter leaves its condition true. Newest key first, keyset paged.
    private const string Where = """
        where t.workspace_id = @workspaceId
          and (@archived or t.archived_at is null)
          and (@statuses::text[] is null or t.status = any(@statuses))
          and (@priorities::text[] is null or t.priority = any(@priorities))
          and (@unassigned = false or t.assignee_id is null)
          and (@assigneeId::uuid is null or t.assignee_id = @assigneeId)
          and (@label::text is null or t.labels @> array[@label])
          and (@dueBefore::timestamptz is null or t.due_at < @dueBefore)
          and (@dueAfter::timestamptz is null or t.due_at >= @dueAfter)
          and (@recurring::boolean is null or (t.series_id is not null) = @recurring)
          and (@text::text is null or t.title ilike @text or t.description ilike @text or (coalesce(w.task_prefix, 'TASK') || '-' || t.number) ilike @key)
          and (@after::bigint is null or t.number < @after)
        order by t.number desc
        limit @limit
        """;

    /// <summary>The workspace's tasks, filtered, newest first, a page at a time (nextAfter continues).</summary>
    [Function(nameof(ListTasks))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    [Query("status", typeof(string), "Comma-separated statuses: backlog, todo, in_progress, pending_review, done, cancelled.")]
    [Query("priority", typeof(string), "Comma-separated priorities: urgent, high, medium, low, none.")]
    [Query("assignee", typeof(string), "A member's id, \"me\" or \"none\".")]
    [Query("label", typeof(string), "Tasks with this label.")]
    [Query("dueBefore", typeof(DateTimeOffset?), "Due strictly before this time.")]
    [Query("dueAfter", typeof(DateTimeOffset?), "Due at or after this time.")]
    [Query("recurring", typeof(bool?), "Only recurring (true) or one-off (false) tasks.")]
    [Query("q", typeof(string), "Text in the title or description, or a key such as ENG-12.")]
    [Query("archived", typeof(bool?), "Include archived tasks (default false).")]
    [Query("after", typeof(long?), "The nextAfter of the previous page.")]
    [Query("limit", typeof(int?), "Page size, 1 to 200 (default 50).")]
    public async Task<Results<Ok<Page>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/tasks")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var check = new Validate();
        var statuses = List(req.QueryString("status"));
        var priorities = List(req.QueryString("priority"));
        check.Check(statuses is null || statuses.All(TaskStatuses.All.Contains), "status", $"One or more of {string.Join(", ", TaskStatuses.All)}.")
             .Check(priorities is null || priorities.All(TaskPriorities.All.Contains), "priority", $"One or more of {string.Join(", ", TaskPriorities.All)}.");
        var assignee = req.QueryString("assignee");
        Guid? assigneeId = assignee switch { null or "" or "none" => null, "me" => userId, _ => Guid.TryParse(assignee, out var g) ? g : null };
        check.Check(assignee is null or "" or "none" or "me" || assigneeId is not null, "assignee", "A member's id, \"me\" or \"none\".");
        var dueBefore = Time(req.QueryString("dueBefore"), "dueBefore", check);
        var dueAfter = Time(req.QueryString("dueAfter"), "dueAfter", check);
        var recurring = Flag(req.QueryString("recurring"), "recurring", check);
        var archived = Flag(req.QueryString("archived"), "archived", check) ?? false;
        var limit = req.QueryInt("limit") ?? 50;
        check.Check(limit is >= 1 and <= 200, "limit", "Between 1 and 200.");
        var q = req.QueryString("q")?.Trim();
        check.Check(q is null || q.Length <= 200, "q", "At most 200 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var label = req.QueryString("label")?.Trim().ToLowerInvariant();
        var pattern = string.IsNullOrEmpty(q) ? null : "%" + q.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var items = await TaskQueries.QueryAsync(conn, Where, new
        {
            workspaceId, archived, statuses, priorities, unassigned = assignee == "none", assigneeId,
            label = string.IsNullOrEmpty(label) ? null : label, dueBefore, dueAfter, recurring,
            text = pattern, key = string.IsNullOrEmpty(q) ? null : q, after = req.QueryLong("after"), limit = limit + 1,
        }, ct);
        var more = items.Count > limit;
        var page = more ? items.Take(limit).ToList() : items;
        return TypedResults.Ok(new Page(page, more ? page[^1].Number : null));
    }

    private static string[]? List(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static DateTime? Time(string? value, string field, Validate check)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var ok = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        check.Check(ok, field, "An ISO 8601 time, for example 2026-12-01T09:00:00Z.");
        return ok ? time.UtcDateTime : null;
    }

    private static bool? Flag(string? value, string field, Validate check)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var ok = bool.TryParse(value, out var flag);
        check.Check(ok, field, "true or false.");
        return ok ? flag : null;
    }
}
