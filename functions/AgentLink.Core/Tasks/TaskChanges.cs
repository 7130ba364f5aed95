using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Tasks;

/// <summary>An edit of a task: only the members given change; <c>Clear</c> names the optional ones to empty.</summary>
public sealed record TaskEdit(
    string? Title, string? Description, string? Status, string? Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
    Guid? ChannelId, Guid? ParentId, string[]? Labels, string? Result, bool? Archived, bool? Paused, string[]? Clear);

/// <summary>Why a change was refused: an HTTP status and a stable code (an agent gets the code in an error envelope); Fields for input problems.</summary>
public sealed record TaskRefusal(int Status, string Code, string Message, IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>What one change did, inside its transaction: the task after it, or why it was refused; the events and dispatches to send after the commit.</summary>
public sealed record TaskApplied(TaskView? Task, TaskRefusal? Refusal, IReadOnlyList<WorkspaceEvent> Events, IReadOnlyList<TaskDispatch.Sent?> Sent);

/// <summary>
/// Changing a task, shared by the HTTP functions (a person's edit, an agent's update with its key, a
/// bulk change) and the MQTT bridge (an agent's task.update): rights in the write, the history, the
/// events, the dispatch to a new assignee and the spawn of a series' next instance.
/// </summary>
public sealed class TaskChanges(TimeProvider clock)
{
    public static readonly string[] Clearable = ["assigneeId", "dueAt", "startAt", "channelId", "parentId", "result"];

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

    /// <summary>One change inside the caller's transaction (a bulk change runs several in one); nothing is published here.</summary>
    public async Task<TaskApplied> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid taskId, Guid userId, TaskEdit body, bool asAssignee,
        string? comment, Guid? workspaceId, CancellationToken ct)
    {
        static TaskApplied Refused(TaskRefusal why) => new(null, why, [], []);
        var clear = body.Clear ?? [];
        var labels = TaskRules.Labels(body.Labels);
        var current = await conn.QuerySingleOrDefaultAsync<Current>(Cmd.For(LockSql, new { taskId, userId }, ct, tx));
        if (current is null || (workspaceId is { } w && current.WorkspaceId != w)) return Refused(new TaskRefusal(404, "task_not_found", "Task not found."));
        if (current.Role == "viewer") return Refused(new TaskRefusal(403, "role_too_low", "Viewers can read tasks but not change them."));
        if (asAssignee && current.AssigneeId != userId) return Refused(new TaskRefusal(403, "not_assignee", "This task is not assigned to you."));
        var wrong = await TaskRules.CheckReferencesAsync(conn, tx, current.WorkspaceId, userId, taskId, body.AssigneeId, body.ChannelId, body.ParentId, ct);
        if (wrong.Count > 0) return Refused(new TaskRefusal(400, "validation_failed", "One or more fields are invalid.", wrong));

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
                ? new TaskRefusal(403, "not_assignee", "This task is no longer assigned to you.")
                : new TaskRefusal(403, "role_too_low", "Your role changed meanwhile: viewers cannot change tasks."));

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
        return new TaskApplied(view, null, published, sent);
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

    private static Dictionary<string, object?> Changes(TaskEdit body, string[] clear)
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
