using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.Core.Skills;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Skills;

/// <summary>
/// A skill delivery pending while its agent has been offline for AgentLink:Mqtt:SkillOfflineFailSeconds
/// becomes 'failed: agent offline', live in the page. Nothing is lost: the envelope stays queued, and the
/// bridge puts the delivery back to 'pending' and sends it when the agent reconnects.
/// </summary>
public sealed class FailSkillDeliveriesToOfflineAgents(NpgsqlDataSource dataSource, EventPublisher events, IOptions<MqttOptions> options)
{
    [Function(nameof(FailSkillDeliveriesToOfflineAgents))]
    public async Task Run([TimerTrigger(TimerSchedules.SkillDeliveryOffline)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    /// <summary>One pass; concurrent passes on several instances each fail a delivery at most once (the update's row lock decides).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var failed = await SkillDelivery.FailForOfflineAgentsAsync(conn, tx, options.Value.SkillOfflineFailSeconds, ct);
        await tx.CommitAsync(ct);
        if (failed.Count > 0) await events.PublishAsync(failed, ct);
        return failed.Count;
    }
}
