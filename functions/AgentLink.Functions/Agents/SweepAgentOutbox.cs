using AgentLink.Core.Agents;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Agents;

public sealed class SweepAgentOutbox(NpgsqlDataSource dataSource, IEventBus bus, ILogger<SweepAgentOutbox> logger)
{
    // Streams that could make progress: channel topics always, inboxes of agents that are not offline.
    private const string SweepSql = """
        select distinct o.stream_id from agent_outbox o left join remote_agents ra on ra.user_id = o.agent_user_id
        where o.delivered_at is null and (o.target = 'channel' or ra.status <> 'offline')
          and (o.offered_until is null or o.offered_until < now())
        limit 1000
        """;

    /// <summary>
    /// Backstop for agent deliveries: the outbox signal that wakes the bridge is at-most-once, and a
    /// send can fail; this finds every stream with pending rows an agent could take now and signals
    /// it again. The bridge flushes each (one flush per stream across bridges).
    /// </summary>
    [Function(nameof(SweepAgentOutbox))]
    public async Task Run([TimerTrigger(TimerSchedules.OutboxSweep)] TimerInfo timer, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var streams = (await conn.QueryAsync<Guid>(new CommandDefinition(SweepSql, cancellationToken: ct))).ToList();
        if (streams.Count == 0) return;
        logger.LogDebug("Outbox sweep: {Count} streams pending", streams.Count);
        await AgentOutbox.SignalAsync(bus, streams);
    }
}
