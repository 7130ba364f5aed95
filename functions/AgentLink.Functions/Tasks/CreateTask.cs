using AgentLink.Core.Events;

using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

public sealed class CreateTask(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus)
{
    public sealed record Request(
        string? Title, string? Description, string? Status, string? Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
        Guid? ChannelId, Guid? ParentId, string[]? Labels, string? Recurrence, string? TimeZone, int? RecurrenceCap);

    // The key's number comes from the workspace row (locked for the insert, so numbers never repeat);
    // the prefix is set from the workspace's name the first time ("Engineering" → ENG).
    private const string InsertSql = """
        with n as (
            update workspaces set task_seq = task_seq + 1,
                task_prefix = coalesce(task_prefix, coalesce(nullif(upper(left(regexp_replace(name, '[^A-Za-z]', '', 'g'), 3)), ''), 'TASK'))
            where id = @workspaceId returning task_seq)
        insert into tasks (workspace_id, number, title, description, status, priority, assignee_id, due_at, start_at, channel_id,
                           parent_id, labels, created_by, series_id, recurrence, time_zone, occurrence, recurrence_cap, completed_at)
        select @workspaceId, n.task_seq, @title, @description, @status, @priority, @assigneeId, @dueAt, @startAt, @channelId,
               @parentId, @labels, @userId, @seriesId, @recurrence, @timeZone, @occurrence, @cap,
               case when @status in ('done', 'cancelled') then now() end
        from n returning id
        """;

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

        var status = body.Status ?? "todo";
        var taskId = await conn.QuerySingleAsync<Guid>(Cmd.For(InsertSql, new
        {
            workspaceId, title, description = body.Description ?? "", status, priority = body.Priority ?? "none",
            body.AssigneeId, dueAt = Utc(body.DueAt), startAt = Utc(body.StartAt), body.ChannelId, body.ParentId, labels, userId,
            seriesId = recurring ? Guid.CreateVersion7() : (Guid?)null,
            recurrence = recurrence?.Rule, timeZone = recurring ? recurrence!.Zone.Id : null,
            occurrence = recurring ? 1 : (int?)null, cap = recurring ? body.RecurrenceCap ?? Recurrence.DefaultCap : (int?)null,
        }, ct, tx));
        await TaskQueries.RecordAsync(conn, tx, taskId, userId, "created", new { status }, ct);
        var view = (await TaskQueries.GetAsync(conn, taskId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.TaskCreated, null, null, view, ct);
        var sent = await TaskDispatch.SendAsync(conn, tx, view, TaskDispatch.Assigned, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        await TaskDispatch.DeliverAsync([sent], bus, events, ct);
        return TypedResults.Created($"/api/v1/tasks/{taskId}", view);
    }

    private static DateTime? Utc(DateTime? value) => value?.ToUniversalTime();
}
