using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class GetTask(NpgsqlDataSource dataSource)
{
    public sealed record Comment(Guid Id, Guid? AuthorId, string? AuthorName, string Text, DateTime CreatedAt);
    public sealed record Activity(long Id, Guid? ActorId, string? ActorName, string Kind, System.Text.Json.JsonElement Detail, DateTime CreatedAt);
    public sealed record Details(TaskView Task, IReadOnlyList<TaskView> Subtasks, IReadOnlyList<Comment> Comments, IReadOnlyList<Activity> History);

    private const string MemberSql = "select exists (select 1 from tasks t join memberships m on m.workspace_id = t.workspace_id and m.user_id = @userId where t.id = @taskId)";
    private const string CommentsSql = """
        select c.id, c.author_id, u.name as author_name, c.text, c.created_at
        from task_comments c left join users u on u.id = c.author_id where c.task_id = @taskId order by c.created_at, c.id
        """;
    private const string HistorySql = """
        select a.id, a.actor_id, u.name as actor_name, a.kind, a.detail::text as detail, a.created_at
        from task_activity a left join users u on u.id = a.actor_id where a.task_id = @taskId order by a.id
        """;

    private sealed record HistoryRow(long Id, Guid? ActorId, string? ActorName, string Kind, string Detail, DateTime CreatedAt);

    /// <summary>A task with its sub-tasks, comments and history; any member of its workspace may read it.</summary>
    [Function(nameof(GetTask))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<Details>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/tasks/{taskId:guid}")] HttpRequest req, Guid taskId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(MemberSql, new { taskId, userId }, ct))) return ApiProblem.NotFound(ErrorCodes.TaskNotFound, "Task");
        var task = (await TaskQueries.GetAsync(conn, taskId, ct))!;
        var subtasks = await TaskQueries.QueryAsync(conn, "where t.parent_id = @taskId and t.archived_at is null order by t.number", new { taskId }, ct);
        var comments = (await conn.QueryAsync<Comment>(Cmd.For(CommentsSql, new { taskId }, ct))).ToList();
        var history = (await conn.QueryAsync<HistoryRow>(Cmd.For(HistorySql, new { taskId }, ct)))
            .Select(h => new Activity(h.Id, h.ActorId, h.ActorName, h.Kind, System.Text.Json.JsonDocument.Parse(h.Detail).RootElement.Clone(), h.CreatedAt)).ToList();
        return TypedResults.Ok(new Details(task, subtasks, comments, history));
    }
}
