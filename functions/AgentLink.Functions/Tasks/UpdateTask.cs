using System.Data;

using AgentLink.Core.Events;

namespace AgentLink.Functions.Tasks;

public sealed class UpdateTask(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, TimeProvider clock)
{
    /// <summary>Only the members given change; <c>clear</c> names the optional ones to empty (assigneeId, dueAt, startAt, channelId, parentId, result).</summary>
    public sealed record Request(
        string? Title, string? Description, string? Status, string? Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
        Guid? ChannelId, Guid? ParentId, string[]? Labels, string? Result, bool? Archived, bool? Paused, string[]? Clear);

    private static readonly string[] Clearable = ["assigneeId", "dueAt", "startAt", "channelId", "parentId", "result"];

    private sealed record Current(Guid WorkspaceId, string Status, bool Paused, DateTime? DueAt, Guid? SeriesId, string? Recurrence, string? TimeZone,
        int? Occurrence, int? RecurrenceCap, Guid? AssigneeId, string Role);

    // The row is locked for the change: two people finishing the same instance at once are one
    // transition (the second sees it finished), so the next instance is spawned once.
    private const string LockSql = """
        select t.workspace_id, t.status, t.paused, t.due_at, t.series_id, t.recurrence, t.time_zone, t.occurrence, t.recurrence_cap, t.assignee_id, m.role
        from tasks t join memberships m on m.workspace_id = t.workspace_id and m.user_id = @userId
        where t.id = @taskId
        for update of t
        """;

    private const string UpdateSql = """
        update tasks t set
            title = coalesce(@title, title),
            description = coalesce(@description, description),
            status = coalesce(@status, status),
            priority = coalesce(@priority, priority),
            assignee_id = case when @clearAssignee then null else coalesce(@assigneeId, assignee_id) end,
            due_at = case when @clearDue then null else coalesce(@dueAt, due_at) end,
            start_at = case when @clearStart then null else coalesce(@startAt, start_at) end,
            channel_id = case when @clearChannel then null else coalesce(@channelId, channel_id) end,
            parent_id = case when @clearParent then null else coalesce(@parentId, parent_id) end,
            result = case when @clearResult then null else coalesce(@result, result) end,
            labels = coalesce(@labels, labels),
            archived_at = case when @archived is null then archived_at when @archived then coalesce(archived_at, now()) end,
            paused = coalesce(@paused, paused),
            completed_at = case when @status is null then completed_at
                                when @status in ('done', 'cancelled') then coalesce(completed_at, now()) end,
            updated_at = now()
        where t.id = @taskId
          and exists (select 1 from memberships m where m.workspace_id = t.workspace_id and m.user_id = @userId and m.role <> 'viewer')
          and (not @asAssignee or t.assignee_id = @userId)
        """;

    // The next instance of a series: a copy with the next due time; the unique (series, occurrence)
    // index makes a second spawn of the same occurrence a no-op.
    private const string SpawnSql = """
        with n as (
            update workspaces set task_seq = task_seq + 1 where id = @workspaceId
              and not exists (select 1 from tasks where series_id = @seriesId and occurrence = @occurrence)
            returning task_seq)
        insert into tasks (workspace_id, number, title, description, status, priority, assignee_id, due_at, channel_id, parent_id,
                           labels, created_by, series_id, recurrence, time_zone, occurrence, recurrence_cap, paused)
        select t.workspace_id, n.task_seq, t.title, t.description, 'todo', t.priority, t.assignee_id, @dueAt, t.channel_id, t.parent_id,
               t.labels, t.created_by, t.series_id, t.recurrence, t.time_zone, @occurrence, t.recurrence_cap, false
        from tasks t, n where t.id = @taskId
        on conflict (series_id, occurrence) where series_id is not null do nothing
        returning id
        """;

    /// <summary>Edits a task. Finishing (done, cancelled) an instance of a running series spawns its next instance once; resuming a finished, paused one does too.</summary>
    [Function(nameof(UpdateTask))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Ok<TaskView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/tasks/{taskId:guid}")] HttpRequest req, Guid taskId)
    {
        var body = await req.ReadJsonAsync<Request>();
        return await ChangeAsync(taskId, req.HttpContext.User.UserId(), body, asAssignee: false, comment: null, req.HttpContext.RequestAborted);
    }

    /// <summary>What one change did, inside its transaction: the task after it, or why it was refused.</summary>
    public sealed record Applied(TaskView? Task, IResult? Refusal, IReadOnlyList<WorkspaceEvent> Events, IReadOnlyList<TaskDispatch.Sent?> Sent);

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
        var applied = await ApplyAsync(conn, tx, taskId, userId, body, asAssignee, comment, null, ct);
        if (applied.Refusal is not null)
        {
            await tx.RollbackAsync(ct);
            return applied.Refusal switch { ValidationProblem v => v, ProblemHttpResult p => p, _ => throw new InvalidOperationException() };
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(applied.Events, ct);
        await TaskDispatch.DeliverAsync(applied.Sent, bus, events, ct);
        return TypedResults.Ok(applied.Task!);
    }

    /// <summary>The field rules of a change; null when they hold.</summary>
    public static ValidationProblem? Check(Request body)
    {
        var clear = body.Clear ?? [];
        var check = new Validate()
            .Check(body.Title is null || body.Title.Trim().Length is > 0 and <= TaskInput.MaxTitle, "title", $"1 to {TaskInput.MaxTitle} characters.")
            .CheckFields(body.Status, body.Priority, TaskInput.Labels(body.Labels), body.Description, body.Result)
            .Check(clear.All(Clearable.Contains), "clear", $"Only {string.Join(", ", Clearable)} can be cleared.");
        return check.Ok ? null : ApiProblem.Invalid(check.Errors);
    }

    /// <summary>One change inside the caller's transaction (a bulk change runs several in one); nothing is published here.</summary>
    public async Task<Applied> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid taskId, Guid userId, Request body, bool asAssignee,
        string? comment, Guid? workspaceId, CancellationToken ct)
    {
        static Applied Refused(IResult why) => new(null, why, [], []);
        var clear = body.Clear ?? [];
        var labels = TaskInput.Labels(body.Labels);
        var current = await conn.QuerySingleOrDefaultAsync<Current>(Cmd.For(LockSql, new { taskId, userId }, ct, tx));
        if (current is null || (workspaceId is { } w && current.WorkspaceId != w)) return Refused(ApiProblem.NotFound(ErrorCodes.TaskNotFound, "Task"));
        if (!Roles.CanWrite(current.Role)) return Refused(ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read tasks but not change them."));
        if (asAssignee && current.AssigneeId != userId) return Refused(ApiProblem.Forbidden(ErrorCodes.NotAssignee, "This task is not assigned to you."));
        var check = await new Validate().CheckReferencesAsync(conn, tx, current.WorkspaceId, userId, taskId, body.AssigneeId, body.ChannelId, body.ParentId, ct);
        if (!check.Ok) return Refused(ApiProblem.Invalid(check.Errors));

        var changed = await conn.ExecuteAsync(Cmd.For(UpdateSql, new
        {
            taskId, userId, title = body.Title?.Trim(), body.Description, body.Status, body.Priority, body.AssigneeId,
            dueAt = body.DueAt?.ToUniversalTime(), startAt = body.StartAt?.ToUniversalTime(), body.ChannelId, body.ParentId, labels,
            body.Result, body.Archived, body.Paused,
            clearAssignee = clear.Contains("assigneeId"), clearDue = clear.Contains("dueAt"), clearStart = clear.Contains("startAt"),
            clearChannel = clear.Contains("channelId"), clearParent = clear.Contains("parentId"), clearResult = clear.Contains("result"), asAssignee,
        }, ct, tx));
        if (changed == 0)
            return Refused(asAssignee
                ? ApiProblem.Forbidden(ErrorCodes.NotAssignee, "This task is no longer assigned to you.")
                : ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role changed meanwhile: viewers cannot change tasks."));

        var what = Changes(body, clear);
        if (what.Count > 0) await TaskQueries.RecordAsync(conn, tx, taskId, userId, "updated", what, ct);
        if (comment is not null)
        {
            var id = await conn.ExecuteScalarAsync<Guid>(Cmd.For("insert into task_comments (task_id, author_id, text) values (@taskId, @userId, @comment) returning id",
                new { taskId, userId, comment }, ct, tx));
            await TaskQueries.RecordAsync(conn, tx, taskId, userId, "commented", new { commentId = id }, ct);
        }
        var view = (await TaskQueries.GetAsync(conn, taskId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, current.WorkspaceId, ct);
        var published = new List<WorkspaceEvent>
        {
            await WorkspaceEventLog.AppendAsync(conn, tx, current.WorkspaceId, seq, EventTypes.TaskUpdated, null, null, view, ct),
        };

        // A new assignee (or a task reopened for one) is told; so is the assignee of a spawned instance.
        var sent = new List<TaskDispatch.Sent?> { await TaskDispatch.SendAsync(conn, tx, view, TaskDispatch.Assigned, ct) };
        if (await SpawnNextAsync(conn, tx, current, view, ct) is { } next)
        {
            published.Add(await WorkspaceEventLog.AppendAsync(conn, tx, current.WorkspaceId,
                await WorkspaceEventLog.AllocateAsync(conn, tx, current.WorkspaceId, ct), EventTypes.TaskCreated, null, null, next, ct));
            sent.Add(await TaskDispatch.SendAsync(conn, tx, next, TaskDispatch.Assigned, ct));
        }
        return new Applied(view, null, published, sent);
    }

    /// <summary>The next instance, when this change finished an instance of a running series (or resumed a finished one) and the cap allows.</summary>
    private async Task<TaskView?> SpawnNextAsync(IDbConnection conn, IDbTransaction tx, Current before, TaskView after, CancellationToken ct)
    {
        if (after.Recurrence is not { } series || series.Paused || !TaskStatuses.IsFinished(after.Status)) return null;
        var finishedNow = !TaskStatuses.IsFinished(before.Status);
        var resumedNow = before.Paused;
        if (!finishedNow && !resumedNow) return null;
        if (series.Occurrence >= series.Cap) return null;
        if (!Recurrence.TryParse(series.Rule, series.TimeZone, out var rule, out _) || after.DueAt is not { } due) return null;
        if (rule!.Next(due, clock.GetUtcNow().UtcDateTime) is not { } nextDue) return null;
        var id = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(SpawnSql, new
        {
            workspaceId = after.WorkspaceId, seriesId = series.SeriesId, occurrence = series.Occurrence + 1, dueAt = nextDue, taskId = after.Id,
        }, ct, tx));
        if (id is not { } spawned) return null;
        await TaskQueries.RecordAsync(conn, tx, spawned, null, "spawned", new { from = after.Id, occurrence = series.Occurrence + 1 }, ct);
        return await TaskQueries.GetAsync(conn, spawned, ct, tx);
    }

    private static Dictionary<string, object?> Changes(Request body, string[] clear)
    {
        var what = new Dictionary<string, object?>();
        void Add(string name, object? value) { if (value is not null) what[name] = value; }
        Add("title", body.Title); Add("status", body.Status); Add("priority", body.Priority); Add("assigneeId", body.AssigneeId);
        Add("dueAt", body.DueAt); Add("startAt", body.StartAt); Add("channelId", body.ChannelId); Add("parentId", body.ParentId);
        Add("labels", body.Labels); Add("result", body.Result is null ? null : "set"); Add("archived", body.Archived); Add("paused", body.Paused);
        Add("description", body.Description is null ? null : "edited");
        foreach (var c in clear) what[c] = null;
        return what;
    }
}
