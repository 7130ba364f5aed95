using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Agents;

public sealed class MarkSilentAgentsOffline(NpgsqlDataSource dataSource, IEventBus bus, IOptions<MqttOptions> options, ILogger<MarkSilentAgentsOffline> logger)
{
    private const string TimeoutSql = """
        update remote_agents set status = 'offline'
        where status <> 'offline' and last_seen < now() - make_interval(secs => @seconds)
        returning user_id, workspace_id, last_seen
        """;

    /// <summary>
    /// An agent that stopped reporting (no heartbeat for AgentLink:Mqtt:PresenceTimeoutSeconds) is
    /// offline, even when no broker saw its connection drop; browsers hear of it on the status stream.
    /// </summary>
    [Function(nameof(MarkSilentAgentsOffline))]
    public async Task Run([TimerTrigger(TimerSchedules.AgentPresenceTimeout)] TimerInfo timer, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var expired = await conn.QueryAsync<(Guid UserId, Guid WorkspaceId, DateTime LastSeen)>(
            new CommandDefinition(TimeoutSql, new { seconds = (double)options.Value.PresenceTimeoutSeconds }, cancellationToken: ct));
        foreach (var (userId, workspaceId, lastSeen) in expired)
            await AgentPresenceEvents.AnnounceAsync(bus, workspaceId, userId, "offline", lastSeen, logger);
    }
}
