using AgentLink.Core.Events;
using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class UpdateTask(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, TaskChanges changes)
{
    /// <summary>Only the members given change; <c>clear</c> names the optional ones to empty (assigneeId, dueAt, startAt, channelId, parentId, result).</summary>
    public sealed record Request(
        string? Title, string? Description, string? Status, string? Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
        Guid? ChannelId, Guid? ParentId, string[]? Labels, string? Result, bool? Archived, bool? Paused, string[]? Clear)
    {
        public TaskEdit ToEdit() => new(Title, Description, Status, Priority, AssigneeId, DueAt, StartAt, ChannelId, ParentId, Labels, Result, Archived, Paused, Clear);
    }

    /// <summary>Edits a task. Finishing (done, cancelled) an instance of a running series spawns its next instance once; resuming a finished, paused one does too.</summary>
    [Function(nameof(UpdateTask))]
    [Caller(Caller.Person), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.Task)]
    public async Task<Results<Ok<TaskView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/tasks/{taskId:guid}")] HttpRequest req, Guid taskId)
    {
        var body = await req.ReadJsonAsync<Request>();
        return await ChangeAsync(taskId, req.HttpContext.User.UserId(), body, asAssignee: false, comment: null, req.HttpContext.RequestAborted);
    }

    /// <summary>
    /// The change itself, for a person (any member who is not a viewer) or for the task's assignee
    /// agent (<paramref name="asAssignee"/>: only while the task is assigned to it), with an optional
    /// comment written in the same transaction.
    /// </summary>
    public async Task<Results<Ok<TaskView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid taskId, Guid userId, Request body, bool asAssignee, string? comment, CancellationToken ct)
    {
        if (Check(body) is { } invalid) return invalid;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var applied = await changes.ApplyAsync(conn, tx, taskId, userId, body.ToEdit(), asAssignee, comment, null, ct);
        if (applied.Refusal is { } refusal)
        {
            await tx.RollbackAsync(ct);
            return refusal.ToResult() switch { ValidationProblem v => v, ProblemHttpResult p => p, _ => throw new InvalidOperationException() };
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(applied.Events, ct);
        await TaskDispatch.DeliverAsync(applied.Sent, bus, events, ct);
        return TypedResults.Ok(applied.Task!);
    }

    /// <summary>The field rules of a change; null when they hold.</summary>
    public static ValidationProblem? Check(Request body)
    {
        var problems = TaskRules.Check(body.ToEdit());
        return problems.Count == 0 ? null : ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
    }
}
