using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp.Tools;

/// <summary>
/// What the agent is owed (DMs, mentions, task dispatches, skills): the same outbox as MQTT. New
/// deliveries are also pushed on the open session as notifications/agentlink/delivery; either way the
/// agent acknowledges what it handled, and what it does not acknowledge is offered again later.
/// </summary>
[McpServerToolType]
public sealed class InboxTools(McpInbox inbox, AgentEnvelopes envelopes)
{
    public sealed record Inbox(JsonArray Deliveries, long? Acknowledged, string Note);

    [McpServerTool(Name = "read_inbox"),
     Description("Your undelivered DMs, mentions, task dispatches and skills, oldest first, kept while you were away. " +
                 "Pass ack = the last deliveryId you handled: those are then done and will not come again (here or over MQTT).")]
    public async Task<Inbox> ReadInbox(ClaimsPrincipal user,
        [Description("Acknowledge every delivery up to and including this deliveryId before reading.")] long? ack = null,
        [Description("1 to 100; default 20.")] int? limit = null, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var take = McpErrors.Limit(limit, 20, 100);
        if (ack is < 0) throw McpErrors.Invalid("ack", "a deliveryId you were given.");
        var (acked, rows) = await inbox.ReadAsync(agent, ack, take, ct);
        await AcknowledgeSkillsAsync(agent, acked, ct);
        return new Inbox(McpInbox.ToJson(rows), ack,
            rows.Count == 0 ? "Nothing waiting." : $"Acknowledge with ack={rows[^1].Id} when you have handled these.");
    }

    public sealed record Acked(int Acknowledged);

    [McpServerTool(Name = "ack_inbox", Idempotent = true), Description("Acknowledges every delivery up to and including this deliveryId.")]
    public async Task<Acked> AckInbox(ClaimsPrincipal user, [Description("The last deliveryId you handled.")] long upTo, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        if (upTo < 0) throw McpErrors.Invalid("upTo", "a deliveryId you were given.");
        var acked = await inbox.AckAsync(agent, upTo, ct);
        await AcknowledgeSkillsAsync(agent, acked, ct);
        return new Acked(acked.Count);
    }

    /// <summary>A skill.assigned the agent acknowledged over MCP counts as a skill.ack: the skill shows as delivered.</summary>
    private async Task AcknowledgeSkillsAsync(AgentIdentity agent, IReadOnlyList<McpInbox.Row> acknowledged, CancellationToken ct)
    {
        foreach (var row in acknowledged)
        {
            using var doc = JsonDocument.Parse(row.Payload);
            var envelope = doc.RootElement;
            if (envelope.GetProperty("type").GetString() != "skill.assigned") continue;
            var skillId = envelope.GetProperty("data").GetProperty("skillId").GetString();
            var data = new JsonObject { ["skillId"] = skillId, ["envelopeId"] = envelope.GetProperty("id").GetString() };
            // A repeated skill.ack changes nothing, so it needs no idempotency key of its own.
            await envelopes.SendAsync(agent, OutboxTypes.SkillAck, data, null, ct);
        }
    }
}
