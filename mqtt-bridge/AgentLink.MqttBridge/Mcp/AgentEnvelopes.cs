using System.Text;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using AgentLink.MqttBridge.Inbound;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// MCP tools that write go through the very path an MQTT publish takes: an envelope handed to
/// AgentMessageHandler, with its size, text, membership, rate and de-duplication checks. The
/// idempotency key is the envelope id, so a tool call retried with the same key writes once.
/// </summary>
public sealed class AgentEnvelopes(AgentMessageHandler handler)
{
    public async Task<InboundOutcome> SendAsync(AgentIdentity agent, string type, JsonObject data, string? idempotencyKey, CancellationToken ct)
    {
        var id = McpErrors.OptionalId(idempotencyKey, "idempotencyKey") ?? Guid.CreateVersion7();
        var envelope = new JsonObject { ["id"] = id, ["type"] = type, ["data"] = data };
        var outcome = await handler.HandleAsync(agent, Encoding.UTF8.GetBytes(envelope.ToJsonString()), tellRefusal: false, ct);
        McpErrors.ThrowIfRefused(outcome);
        return outcome;
    }
}
