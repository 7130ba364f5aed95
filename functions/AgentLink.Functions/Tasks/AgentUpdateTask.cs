using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class AgentUpdateTask(NpgsqlDataSource dataSource, UpdateTask update)
{
    /// <summary>What an agent may change on a task assigned to it: its status (pending_review when blocked), its result, a comment.</summary>
    public sealed record Request(string? Status, string? Result, string? Comment);

    /// <summary>An agent updates a task assigned to it (the same change as over MQTT's task.update); refused (403 not_assignee) for anyone else's task.</summary>
    [Function(nameof(AgentUpdateTask))]
    [Caller(Caller.Agent), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.AgentKey)]
    public async Task<Results<Ok<TaskView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/agents/{agentId}/tasks/{taskId:guid}")] HttpRequest req, string agentId, Guid taskId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var comment = body.Comment?.Trim();
        var check = new Validate()
            .Check(body.Status is not null || body.Result is not null || !string.IsNullOrEmpty(comment), "status", "Give a status, a result or a comment.")
            .Check(comment is null || comment.Length <= TaskInput.MaxDescription, "comment", $"At most {TaskInput.MaxDescription} characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);
        if (await AgentCaller.FindAsync(dataSource, req, agentId, ct) is not { UserId: var userId }) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return await update.ChangeAsync(taskId, userId,
            new UpdateTask.Request(null, null, body.Status, null, null, null, null, null, null, null, body.Result, null, null, null),
            asAssignee: true, comment: string.IsNullOrEmpty(comment) ? null : comment, ct);
    }
}
