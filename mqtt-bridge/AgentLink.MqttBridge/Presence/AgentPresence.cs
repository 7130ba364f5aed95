using AgentLink.Core.Data;
using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.Core.Skills;
using AgentLink.MqttBridge.Delivery;
using Microsoft.Extensions.Options;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Presence;

/// <summary>
/// Agent presence, kept in remote_agents (status, last_seen) so every instance and the
/// web page agree. It moves on: connect (online), status reports and heartbeats on the
/// status topic, the last will or a disconnect (offline); an agent that stopped reporting is
/// timed out by the MarkSilentAgentsOffline timer function. Each change is announced on the
/// workspace's status topic, which the SSE relay streams to browsers.
/// </summary>
public sealed class AgentPresence(NpgsqlDataSource dataSource, IEventBus bus, EventPublisher events, OutboxDispatcher dispatcher,
    IOptions<MqttOptions> mqtt, ILogger<AgentPresence> logger)
{
    public static readonly string[] States = ["online", "busy", "away", "offline"];

    // Returns the status before the update, so only real transitions are announced.
    // The old status comes from a locked subquery in FROM, read before the row changes. (A CTE read in
    // RETURNING sees the row already updated by this very statement, skips it, and gave null: every
    // report looked like a change and a return from offline went unnoticed.)
    private const string SetSql = """
        update remote_agents ra set status = @status, last_seen = now()
        from (select user_id, status from remote_agents where user_id = @userId for update) before
        where ra.user_id = before.user_id
        returning before.status as previous, ra.last_seen
        """;

    /// <summary>Reads a status payload: {"state": "online"|"busy"|"away"|"offline"}. Null when it is not one.</summary>
    public static string? ReadState(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("state", out var s) || root.TryGetProperty("status", out s))
                && s.ValueKind == JsonValueKind.String && States.Contains(s.GetString()))
                return s.GetString();
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>Records a status (a heartbeat refreshes last_seen); announces it when it changed.</summary>
    public async Task SetAsync(AgentIdentity agent, string status, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleOrDefaultAsync<Transition>(Cmd.For(SetSql, new { userId = agent.UserId, status }, ct));
        if (r is null || r.Previous == status) return;
        await AnnounceAsync(agent.WorkspaceId, agent.UserId, status, r.LastSeen);
        // Back from offline: its open tasks and unacknowledged skills are sent again (once per
        // return), then its backlog goes out now rather than at the next sweep.
        if (r.Previous == "offline")
        {
            try { await AgentLink.Core.Tasks.TaskDispatch.ResendOpenAsync(dataSource, agent.UserId, ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested) { logger.LogWarning(ex, "Could not resend the open tasks of agent {AgentId}", agent.AgentId); }
            try { await ResumeSkillsAsync(agent.UserId, ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested) { logger.LogWarning(ex, "Could not resume the skill deliveries of agent {AgentId}", agent.AgentId); }
            dispatcher.Kick(agent.UserId);
        }
    }

    private async Task ResumeSkillsAsync(Guid agentUserId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var changed = await SkillDelivery.ResumeAsync(conn, tx, agentUserId, SkillDelivery.InlineLimit(mqtt.Value), ct);
        await tx.CommitAsync(ct);
        if (changed.Count > 0) await events.PublishAsync(changed, ct);
    }

    private sealed record Transition(string? Previous, DateTime LastSeen);

    private Task AnnounceAsync(Guid workspaceId, Guid userId, string status, DateTime lastSeen) =>
        AgentPresenceEvents.AnnounceAsync(bus, workspaceId, userId, status, lastSeen, logger);
}
