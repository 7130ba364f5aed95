using AgentLink.Core.Events;
using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class BulkUpdateTasks(NpgsqlDataSource dataSource, TaskChanges changes, EventPublisher events, IEventBus bus)
{
    public const int MaxTasks = 200;

    public sealed record Request(Guid[]? TaskIds, string? Status, Guid? AssigneeId, bool? Unassign);

    public sealed record Result(IReadOnlyList<TaskView> Items);

    /// <summary>Sets the status and/or the assignee of up to 200 tasks of the workspace, all or none (one refusal refuses the lot).</summary>
    [Function(nameof(BulkUpdateTasks))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.Route)]
    public async Task<Results<Ok<Result>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/tasks/bulk")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var ids = (body.TaskIds ?? []).Distinct().Order().ToArray();
        var check = new Validate()
            .Check(ids.Length is > 0 and <= MaxTasks, "taskIds", $"1 to {MaxTasks} task ids.")
            .Check(body.Status is not null || body.AssigneeId is not null || body.Unassign == true, "status", "Give a status, an assigneeId or unassign: true.")
            .Check(!(body.AssigneeId is not null && body.Unassign == true), "unassign", "Either an assigneeId or unassign, not both.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);
        var change = new UpdateTask.Request(null, null, body.Status, null, body.AssigneeId, null, null, null, null, null, null, null, null,
            body.Unassign == true ? ["assigneeId"] : null);
        if (UpdateTask.Check(change) is { } invalid) return invalid;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // In id order, so two bulk changes over the same tasks lock them in the same order.
        var applied = new List<TaskApplied>();
        foreach (var taskId in ids)
        {
            var one = await changes.ApplyAsync(conn, tx, taskId, userId, change.ToEdit(), asAssignee: false, comment: null, workspaceId, ct);
            if (one.Refusal is { } refusal)
            {
                await tx.RollbackAsync(ct);
                return refusal.ToResult() switch
                {
                    ValidationProblem v => v,
                    ProblemHttpResult p => TypedResults.Problem(p.ProblemDetails.Detail is { } d ? $"Task {taskId}: {d}" : $"Task {taskId} was refused.",
                        statusCode: p.StatusCode, title: p.ProblemDetails.Title, extensions: p.ProblemDetails.Extensions),
                    _ => throw new InvalidOperationException(),
                };
            }
            applied.Add(one);
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(applied.SelectMany(a => a.Events), ct);
        await TaskDispatch.DeliverAsync(applied.SelectMany(a => a.Sent), bus, events, ct);
        return TypedResults.Ok(new Result(applied.Select(a => a.Task!).ToList()));
    }
}
