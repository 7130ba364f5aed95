using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Tasks;

/// <summary>A task to create, already checked (title, references, recurrence).</summary>
public sealed record NewTask(
    Guid WorkspaceId, string Title, string Description, string Status, string Priority, Guid? AssigneeId, DateTime? DueAt, DateTime? StartAt,
    Guid? ChannelId, Guid? ParentId, string[] Labels, Guid CreatedBy, Recurrence? Recurrence = null, int? RecurrenceCap = null);

/// <summary>Creating a task, shared by the tasks API and whatever else makes tasks (an applied audit recommendation).</summary>
public static class TaskCreation
{
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

    /// <summary>Inserts the task with its history row and task.created event, and queues the assignee's dispatch; deliver both after the commit.</summary>
    public static async Task<(TaskView View, WorkspaceEvent Event, TaskDispatch.Sent? Sent)> InsertAsync(IDbConnection conn, IDbTransaction tx, NewTask t, CancellationToken ct)
    {
        var recurring = t.Recurrence is not null;
        var taskId = await conn.QuerySingleAsync<Guid>(Cmd.For(InsertSql, new
        {
            t.WorkspaceId, t.Title, t.Description, t.Status, t.Priority, t.AssigneeId, dueAt = t.DueAt?.ToUniversalTime(), startAt = t.StartAt?.ToUniversalTime(),
            t.ChannelId, t.ParentId, t.Labels, userId = t.CreatedBy,
            seriesId = recurring ? Guid.CreateVersion7() : (Guid?)null,
            recurrence = t.Recurrence?.Rule, timeZone = t.Recurrence?.Zone.Id,
            occurrence = recurring ? 1 : (int?)null, cap = recurring ? t.RecurrenceCap ?? Recurrence.DefaultCap : (int?)null,
        }, ct, tx));
        await TaskQueries.RecordAsync(conn, tx, taskId, t.CreatedBy, "created", new { status = t.Status }, ct);
        var view = (await TaskQueries.GetAsync(conn, taskId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, t.WorkspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, t.WorkspaceId, seq, EventTypes.TaskCreated, null, null, view, ct);
        var sent = await TaskDispatch.SendAsync(conn, tx, view, TaskDispatch.Assigned, ct);
        return (view, e, sent);
    }
}
