using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Memories;
using AgentLink.MqttBridge.Broker;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// An agent's memories over MQTT. memory.write is written once per envelope id (claimed in
/// agent_inbound with the write, so the PUBACK means committed and a resend is harmless); memory.search
/// is a request whose answer, memory.results with the same correlationId, goes straight to the inbox.
/// </summary>
public sealed class MemoryHandler(NpgsqlDataSource dataSource, MemoryStore memories, EventPublisher events, AgentTopics topics, IAgentTransport transport)
{
    private const string SeenSql = "select exists (select 1 from agent_inbound where agent_user_id = @agentUserId and message_id = @messageId)";

    public async Task<InboundOutcome> WriteAsync(AgentIdentity agent, Guid id, JsonElement data, CancellationToken ct)
    {
        if (data.ValueKind != JsonValueKind.Object) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "\"data\" must be an object {content, topic?, source?, confidence?}.", id);
        var content = Text(data, "content")?.Trim();
        var topic = Text(data, "topic");
        var source = Text(data, "source") ?? MemorySources.Conversation;
        double? confidence = data.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null;
        var problems = MemoryRules.CheckAgentWrite(content, topic, source, confidence, memories.Options.MaxContentLength);
        if (data.TryGetProperty("confidence", out var cc) && cc.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)) problems.TryAdd("confidence", "A number from 0 to 1.");
        if (problems.Count > 0) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, string.Join(" ", problems.Select(p => $"data.{p.Key}: {p.Value}")), id);

        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            if (await conn.ExecuteScalarAsync<bool>(Cmd.For(SeenSql, new { agentUserId = agent.UserId, messageId = id }, ct))) return InboundOutcome.Duplicate;
        var written = await memories.WriteAsync(new MemoryStore.Write(agent.WorkspaceId, agent.UserId, content!, MemoryRules.Topic(topic), source, confidence ?? 0.5, null), ct,
            (conn, tx) => AgentInbound.ClaimAsync(conn, tx, agent, id, ct));
        await events.PublishAsync(written.Event, ct);
        return InboundOutcome.Accepted(id) with { Value = written.Memory };
    }

    public async Task<InboundOutcome> SearchAsync(AgentIdentity agent, Guid id, JsonElement data, CancellationToken ct)
    {
        if (data.ValueKind != JsonValueKind.Object) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "\"data\" must be an object {query, topic?, limit?, correlationId?}.", id);
        var query = Text(data, "query")?.Trim();
        if (string.IsNullOrEmpty(query) || query.Length > 1000) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data.query is required (1 to 1000 characters).", id);
        var limit = 10;
        if (data.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null && (!l.TryGetInt32(out limit) || limit is < 1 or > 50))
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data.limit must be a number from 1 to 50.", id);
        var correlationId = Text(data, "correlationId");
        if (correlationId is { Length: > 200 }) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data.correlationId is at most 200 characters.", id);
        var results = await memories.SearchAsync(agent.WorkspaceId, agent.UserId, query, MemoryRules.Topic(Text(data, "topic")), limit, ct);
        var answer = AgentEnvelope.Create(agent.WorkspaceId, InboxTypes.MemoryResults, new { refId = id, correlationId = correlationId ?? id.ToString(), results });
        await transport.PublishAsync(topics.Inbox(agent.WorkspaceId, agent.AgentId), answer.ToJson(), null, ct);
        return InboundOutcome.Accepted(id);
    }

    private static string? Text(JsonElement data, string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
