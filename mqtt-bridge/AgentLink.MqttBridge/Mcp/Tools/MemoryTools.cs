using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using AgentLink.Core.Memories;
using AgentLink.MqttBridge.Inbound;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp.Tools;

/// <summary>The agent's own memories: written through the MQTT memory.write path, searched like memory.search (hybrid: meaning and words).</summary>
[McpServerToolType]
public sealed class MemoryTools(AgentEnvelopes envelopes, MemoryStore memories, AgentRateLimiter rateLimiter)
{
    [McpServerTool(Name = "write_memory"), Description("Remembers something. A near-duplicate of an existing memory updates that one instead. Returns the memory.")]
    public async Task<object> WriteMemory(ClaimsPrincipal user, [Description("What to remember.")] string content,
        [Description("A topic to group and filter by.")] string? topic = null,
        [Description("How sure you are, 0 to 1 (default 0.5).")] double? confidence = null,
        [Description("A UUID of your choice: a retried call with the same key writes once.")] string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var data = new JsonObject { ["content"] = content, ["topic"] = topic, ["confidence"] = confidence };
        var outcome = await envelopes.SendAsync(agent, OutboxTypes.MemoryWrite, data, idempotencyKey, ct);
        return outcome.Value ?? new { duplicate = true, reason = "A memory with this idempotencyKey was written before." };
    }

    [McpServerTool(Name = "search_memories", ReadOnly = true), Description("Searches your memories by meaning and by words, best first.")]
    public async Task<IReadOnlyList<MemoryHit>> SearchMemories(ClaimsPrincipal user, [Description("What you are looking for.")] string query,
        [Description("Only this topic.")] string? topic = null, [Description("1 to 50; default 10.")] int? limit = null, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        query = query?.Trim() ?? "";
        if (query.Length is 0 or > 1000) throw McpErrors.Invalid("query", "1 to 1000 characters.");
        var take = McpErrors.Limit(limit, 10, 50);
        McpErrors.Throttle(rateLimiter, agent.UserId);
        return await memories.SearchAsync(agent.WorkspaceId, agent.UserId, query, MemoryRules.Topic(topic), take, ct);
    }
}
