using System.Data;
using AgentLink.Core.Data;
using Dapper;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;

namespace AgentLink.Core.Tasks;

/// <summary>
/// Sends a task to its assignee for a reason (assigned, due, reminder), once: an agent gets a typed
/// envelope on its inbox (through the outbox, so an offline agent gets it when it is back), a person
/// a task.notification event on their own streams.
/// </summary>
public static class TaskDispatch
{
    public const string Assigned = "assigned";
    public const string Due = "due";
    public const string Reminder = "reminder";

    /// <summary>
    /// The claim key of a due or reminder dispatch, as SQL over a due-time expression: one formula for
    /// the claim here and the timer's "not sent yet" filter, so the two cannot drift apart.
    /// </summary>
    public static string DueKeySql(string dueAt) => $"to_char({dueAt} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"')";

    // 'assigned' is keyed by the assignee, due and reminder by the due time they are about.
    private static readonly string ClaimSql = $"""
        insert into task_dispatches (task_id, reason, key, recipient_id)
        values (@taskId, @reason, case when @reason = 'assigned' then @recipientId::text else {DueKeySql("@dueAt::timestamptz")} end, @recipientId)
        on conflict do nothing
        returning true
        """;

    /// <summary>What a dispatch produced: the agent stream to signal, or the person's event to publish.</summary>
    public sealed record Sent(Guid? AgentStream, WorkspaceEvent? Notification);

    /// <summary>Claims and queues one dispatch in the caller's transaction; null when it was already sent (or there is nobody to send to).</summary>
    public static async Task<Sent?> SendAsync(IDbConnection conn, IDbTransaction tx, TaskView task, string reason, CancellationToken ct)
    {
        if (task.Assignee is not { } assignee || TaskStatuses.IsFinished(task.Status) || task.ArchivedAt is not null) return null;
        if (reason != Assigned && task.DueAt is null) return null;
        var claimed = await conn.QuerySingleOrDefaultAsync<bool?>(Cmd.For(ClaimSql, new { taskId = task.Id, reason, dueAt = task.DueAt, recipientId = assignee.Id }, ct, tx));
        if (claimed is not true) return null;

        var data = new { reason, task, channelId = task.ChannelId };
        if (assignee.Kind == "agent")
        {
            var envelope = AgentEnvelope.Create(task.WorkspaceId, "task." + reason, data);
            await AgentOutbox.EnqueueAsync(conn, tx, assignee.Id, envelope, ct);
            return new Sent(assignee.Id, null);
        }
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, task.WorkspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, task.WorkspaceId, seq, EventTypes.TaskNotification, null, assignee.Id, data, ct);
        return new Sent(null, e);
    }

    // Open tasks of the agent, except those it still has an undelivered envelope about (those arrive anyway).
    private const string OpenSql = """
        where t.assignee_id = @agentId and t.archived_at is null and t.status not in ('done', 'cancelled')
          and not exists (select 1 from agent_outbox o where o.agent_user_id = @agentId and o.delivered_at is null
                          and o.payload -> 'data' -> 'task' ->> 'id' = t.id::text)
        order by t.due_at nulls last, t.number
        limit 200
        """;

    /// <summary>
    /// An agent back from offline gets its open tasks again, once: a <c>task.open</c> envelope each
    /// ({reason: "reconnected", task, overdue, channelId}), queued before its backlog is flushed.
    /// Returns how many were queued.
    /// </summary>
    public static async Task<int> ResendOpenAsync(Npgsql.NpgsqlDataSource dataSource, Guid agentId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var open = await TaskQueries.QueryAsync(conn, OpenSql, new { agentId }, ct, tx);
        var now = DateTime.UtcNow;
        foreach (var task in open)
        {
            var envelope = AgentEnvelope.Create(task.WorkspaceId, "task.open",
                new { reason = "reconnected", task, overdue = task.DueAt < now, channelId = task.ChannelId });
            await AgentOutbox.EnqueueAsync(conn, tx, agentId, envelope, ct);
        }
        await tx.CommitAsync(ct);
        return open.Count;
    }

    /// <summary>After the commit: wake the bridge for the agents, publish the people's events.</summary>
    public static async Task DeliverAsync(IEnumerable<Sent?> sent, IEventBus bus, EventPublisher events, CancellationToken ct)
    {
        var list = sent.OfType<Sent>().ToList();
        await AgentOutbox.SignalAsync(bus, list.Select(s => s.AgentStream).OfType<Guid>().ToList());
        var notifications = list.Select(s => s.Notification).OfType<WorkspaceEvent>().ToList();
        if (notifications.Count > 0) await events.PublishAsync(notifications, ct);
    }
}
