using AgentLink.Core.Agents;
using AgentLink.Core.Audits;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Audits;

/// <summary>
/// Starts the audits that are due by their schedules. A tick runs on one instance (the timer runtime), and each
/// due schedule is taken under its row lock and moved on in the same transaction as its run, so even overlapping
/// ticks start it once. Due times while paused or with nothing new to audit become skipped runs with the reason.
/// </summary>
public sealed class RunScheduledAudits(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, IOptions<BillingOptions> billing, TimeProvider clock,
    ILogger<RunScheduledAudits> logger)
{
    public const int Batch = 50;

    [Function(nameof(RunScheduledAudits))]
    public async Task Run([TimerTrigger(TimerSchedules.AuditSchedules)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    public async Task<AuditSchedules.Pass> RunOnceAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pass = await AuditSchedules.RunDueAsync(conn, tx, clock.GetUtcNow().UtcDateTime, billing.Value, Batch, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(pass.Events, ct);
        await AgentOutbox.SignalAsync(bus, pass.Auditors);
        if (pass.Started + pass.Skipped > 0) logger.LogInformation("Scheduled audits: {Started} started, {Skipped} skipped", pass.Started, pass.Skipped);
        return pass;
    }
}
