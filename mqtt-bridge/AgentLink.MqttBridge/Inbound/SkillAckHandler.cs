using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Skills;
using AgentLink.MqttBridge.Broker;
using Npgsql;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>An agent's <c>skill.ack</c> {skillId, envelopeId}: the delivery it names becomes 'delivered' (once; later acks change nothing).</summary>
public sealed class SkillAckHandler(NpgsqlDataSource dataSource, EventPublisher events)
{
    public async Task<InboundOutcome> HandleAsync(AgentIdentity agent, Guid id, JsonElement data, CancellationToken ct)
    {
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("skillId", out var s) || s.ValueKind != JsonValueKind.String || !s.TryGetGuid(out var skillId)
            || !data.TryGetProperty("envelopeId", out var en) || en.ValueKind != JsonValueKind.String || !en.TryGetGuid(out var envelopeId))
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data must be {skillId, envelopeId}: the skill and the id of the skill.assigned envelope.", id);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var e = await SkillDelivery.AcknowledgeAsync(conn, tx, agent.UserId, skillId, envelopeId, ct);
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        // An ack of an older delivery (a newer version went out since) or a repeat is accepted and changes nothing.
        return InboundOutcome.Accepted(id);
    }
}
