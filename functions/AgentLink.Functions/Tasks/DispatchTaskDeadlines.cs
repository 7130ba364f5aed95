using AgentLink.Core.Events;
using Microsoft.Extensions.Configuration;

using AgentLink.Core.Tasks;
using AgentLink.Core.Billing;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Tasks;

public sealed class DispatchTaskDeadlines(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, IConfiguration configuration,
    IOptions<BillingOptions> billing, ILogger<DispatchTaskDeadlines> logger)
{
    /// <summary>How long before its due time an assignee is reminded (AgentLink:Tasks:ReminderMinutes, default 60; 0 turns reminders off).</summary>
    public int ReminderMinutes => configuration.GetValue("AgentLink:Tasks:ReminderMinutes", 60);

    // Open, assigned, not archived, with a dispatch for this due time still to send. Bounded per
    // tick; the next tick takes the rest. Paused workspaces' tasks wait (@paused picks them instead,
    // to count what was skipped); their dispatch goes out once the workspace is active again.
    private static readonly string PendingSql = $$"""
        select t.id, @reason as reason from tasks t
        where (@billing and {{License.PausedSql("t.workspace_id")}}) = @paused and t.archived_at is null and t.assignee_id is not null and t.status not in ('done', 'cancelled')
          and t.due_at is not null
          and case when @reason = 'due' then t.due_at <= now()
                   else t.due_at > now() and t.due_at <= now() + make_interval(mins => @minutes) end
          and not exists (select 1 from task_dispatches d where d.task_id = t.id and d.reason = @reason
                          and d.key = {{TaskDispatch.DueKeySql("t.due_at")}})
        order by t.due_at
        limit 500
        """;

    /// <summary>
    /// Sends due and reminder dispatches for assigned open tasks. Each is claimed in its own
    /// transaction with its outbox row, so instances ticking at once send each one once.
    /// </summary>
    [Function(nameof(DispatchTaskDeadlines))]
    public async Task Run([TimerTrigger(TimerSchedules.TaskDeadlines)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var sentCount = 0;
        foreach (var reason in ReminderMinutes > 0 ? new[] { TaskDispatch.Due, TaskDispatch.Reminder } : [TaskDispatch.Due])
        {
            List<Guid> pending;
            var args = new { reason, minutes = ReminderMinutes, billing = billing.Value.Enabled, trialDays = billing.Value.TrialDays, paused = false };
            await using (var conn = await dataSource.OpenConnectionAsync(ct))
            {
                pending = (await conn.QueryAsync<(Guid Id, string Reason)>(Cmd.For(PendingSql, args, ct))).Select(p => p.Id).ToList();
                if (billing.Value.Enabled && (await conn.QueryAsync<(Guid Id, string Reason)>(Cmd.For(PendingSql, args with { paused = true }, ct))).Count() is > 0 and var skipped)
                    logger.LogInformation("Skipped {Count} {Reason} dispatches in paused workspaces ({Code}); they go out once the workspace is active", skipped, reason, ErrorCodes.LicensePaused);
            }
            foreach (var taskId in pending)
            {
                try
                {
                    await using var conn = await dataSource.OpenConnectionAsync(ct);
                    await using var tx = await conn.BeginTransactionAsync(ct);
                    if (await TaskQueries.GetAsync(conn, taskId, ct, tx) is not { } task) continue;
                    var sent = await TaskDispatch.SendAsync(conn, tx, task, reason, ct);
                    await tx.CommitAsync(ct);
                    if (sent is null) continue;
                    sentCount++;
                    await TaskDispatch.DeliverAsync([sent], bus, events, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Dispatching {Reason} of task {TaskId} failed; the next tick retries", reason, taskId);
                }
            }
        }
        return sentCount;
    }
}
