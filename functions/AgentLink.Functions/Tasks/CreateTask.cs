using AgentLink.Core.Events;

using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class CreateTask(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus)
{
    public sealed record Request(
        string? Title, string? Description, string? Status, string? Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
        Guid? ChannelId, Guid? ParentId, string[]? Labels, string? Recurrence, string? TimeZone, int? RecurrenceCap);

    /// <summary>Creates a task; recurring ones (rate(N unit) or cron, in an IANA time zone) need a due time to anchor the series.</summary>
    [Function(nameof(CreateTask))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.Route)]
    public async Task<Results<Created<TaskView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/tasks")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var title = body.Title?.Trim();
        var labels = TaskInput.Labels(body.Labels) ?? [];
        Recurrence? recurrence = null;
        string? ruleError = null;
        var recurring = !string.IsNullOrWhiteSpace(body.Recurrence);
        if (recurring) Recurrence.TryParse(body.Recurrence, body.TimeZone, out recurrence, out ruleError);
        var check = new Validate()
            .Required("title", title, TaskInput.MaxTitle)
            .CheckFields(body.Status, body.Priority, labels, body.Description, null)
            .Check(ruleError is null, "recurrence", ruleError ?? "")
            .Check(!recurring || body.DueAt is not null, "dueAt", "A recurring task needs a due time: the series is anchored on it.")
            .Check(body.RecurrenceCap is null || body.RecurrenceCap is >= 1 and <= Recurrence.MaxCap, "recurrenceCap", $"From 1 to {Recurrence.MaxCap}.")
            .Check(body.RecurrenceCap is null || recurring, "recurrenceCap", "Only a recurring task has a cap.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        check = await check.CheckReferencesAsync(conn, tx, workspaceId, userId, null, body.AssigneeId, body.ChannelId, body.ParentId, ct);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var (view, e, sent) = await TaskCreation.InsertAsync(conn, tx, new NewTask(workspaceId, title!, body.Description ?? "", body.Status ?? "todo",
            body.Priority ?? "none", body.AssigneeId, body.DueAt, body.StartAt, body.ChannelId, body.ParentId, labels, userId,
            recurring ? recurrence : null, body.RecurrenceCap), ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        await TaskDispatch.DeliverAsync([sent], bus, events, ct);
        return TypedResults.Created($"/api/v1/tasks/{view.Id}", view);
    }
}
