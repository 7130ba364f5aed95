using AgentLink.Core.Events;

using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class CommentOnTask(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Text);

    // Rights in the write: a member of the task's workspace who is not a viewer.
    private const string InsertSql = """
        insert into task_comments (task_id, author_id, text)
        select t.id, @userId, @text from tasks t
        where t.id = @taskId and exists (select 1 from memberships m where m.workspace_id = t.workspace_id and m.user_id = @userId and m.role <> 'viewer')
        returning id, author_id, (select name from users where id = @userId) as author_name, text, created_at
        """;

    private const string WorkspaceSql = "select t.workspace_id from tasks t join memberships m on m.workspace_id = t.workspace_id and m.user_id = @userId where t.id = @taskId";

    /// <summary>Comments on a task; the workspace stream carries it as task.commented.</summary>
    [Function(nameof(CommentOnTask))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Created<GetTask.Comment>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/tasks/{taskId:guid}/comments")] HttpRequest req, Guid taskId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var text = body.Text?.Trim();
        var check = new Validate().Required("text", text, TaskInput.MaxDescription);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(WorkspaceSql, new { taskId, userId }, ct, tx)) is not { } workspaceId)
            return ApiProblem.NotFound(ErrorCodes.TaskNotFound, "Task");
        var comment = await conn.QuerySingleOrDefaultAsync<GetTask.Comment>(Cmd.For(InsertSql, new { taskId, userId, text }, ct, tx));
        if (comment is null) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read tasks but not comment.");
        await TaskQueries.RecordAsync(conn, tx, taskId, userId, "commented", new { commentId = comment.Id }, ct);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.TaskCommented, null, null, new { taskId, comment }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Created($"/api/v1/tasks/{taskId}", comment);
    }
}
