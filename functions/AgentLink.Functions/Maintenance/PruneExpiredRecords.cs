using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Maintenance;

public sealed class PruneExpiredRecords(NpgsqlDataSource dataSource, IOptions<RetentionOptions> retention, ILogger<PruneExpiredRecords> logger)
{
    /// <summary>Rows deleted per statement, so no prune holds locks or bloats WAL for long.</summary>
    public const int Batch = 5000;

    // Each deletes one batch of rows past its cutoff; the function repeats it until less than a batch goes.
    private static readonly (string Name, string Sql, Func<RetentionOptions, TimeSpan> Keep)[] Prunes =
    [
        ("workspace_events", """
            delete from workspace_events where ctid = any(array(
                select ctid from workspace_events where created_at < @cutoff limit @Batch))
            """, r => r.Events),
        ("agent_outbox", """
            delete from agent_outbox where id = any(array(
                select id from agent_outbox where created_at < @cutoff and delivered_at < @cutoff limit @Batch))
            """, r => r.DeliveredOutbox),
        ("agent_inbound", """
            delete from agent_inbound where ctid = any(array(
                select ctid from agent_inbound where received_at < @cutoff limit @Batch))
            """, r => r.AgentInbound),
        ("sessions", """
            delete from sessions where id = any(array(
                select id from sessions where expires_at < @cutoff or revoked_at < @cutoff limit @Batch))
            """, r => r.Bookkeeping),
        ("timer_runs", """
            delete from timer_runs where ctid = any(array(
                select ctid from timer_runs where due_at < @cutoff limit @Batch))
            """, r => r.Bookkeeping),
    ];

    /// <summary>
    /// Deletes what has outlived its use (AgentLink:Retention): workspace events older than the resume
    /// window, delivered agent outbox rows, agents' de-duplication ids, ended sessions, the timer log.
    /// </summary>
    [Function(nameof(PruneExpiredRecords))]
    public async Task Run([TimerTrigger(TimerSchedules.Retention)] TimerInfo timer, CancellationToken ct)
    {
        var options = retention.Value;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var (name, sql, keep) in Prunes)
        {
            var cutoff = DateTime.UtcNow - keep(options);
            var total = 0;
            int deleted;
            do
            {
                deleted = await conn.ExecuteAsync(new CommandDefinition(sql, new { cutoff, Batch }, cancellationToken: ct));
                total += deleted;
            }
            while (deleted == Batch && !ct.IsCancellationRequested);
            if (total > 0) logger.LogInformation("Retention: pruned {Count} rows of {Table} older than {Cutoff:u}", total, name, cutoff);
        }
    }
}
