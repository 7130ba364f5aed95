using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp.Tools;

/// <summary>
/// An auditor agent's answer to an <c>audit.request</c> it found in its inbox: the MQTT <c>audit.result</c>,
/// checked the same way (every enabled criterion scored 0..100 once, findings citing only the run's evidence).
/// </summary>
[McpServerToolType]
public sealed class AuditTools(AgentEnvelopes envelopes)
{
    public sealed record Submitted(Guid RunId, bool Duplicate);

    [McpServerTool(Name = "submit_audit_result"),
     Description("Answers an audit.request from your inbox (you are an auditor): a score from 0 to 100 with reasoning for every criterion it lists, " +
                 "and optionally notes, findings (citing the request's evidence ids) and recommendations.")]
    public async Task<Submitted> SubmitAuditResult(ClaimsPrincipal user,
        [Description("The request's runId.")] string runId,
        [Description("[{criterion, score (0-100), reasoning}] for every criterion of the request.")] JsonElement scores,
        [Description("What you concluded, in a few sentences.")] string? notes = null,
        [Description("[{severity: critical|high|medium|low|info, title, description?, criterion?, evidence?: [evidence ids]}].")] JsonElement? findings = null,
        [Description("[{kind: skill|memory|config|action, title, description?, priority?, effort?}].")] JsonElement? recommendations = null,
        [Description("A UUID of your choice: a retried call with the same key is recorded once.")] string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var run = McpErrors.Id(runId, "runId");
        if (scores.ValueKind != JsonValueKind.Array) throw McpErrors.Invalid("scores", "must be an array of {criterion, score, reasoning}.");
        var data = new JsonObject
        {
            ["runId"] = run,
            ["scores"] = JsonNode.Parse(scores.GetRawText()),
            ["notes"] = notes,
            ["findings"] = findings is { } f ? JsonNode.Parse(f.GetRawText()) : null,
            ["recommendations"] = recommendations is { } r ? JsonNode.Parse(r.GetRawText()) : null,
        };
        var outcome = await envelopes.SendAsync(agent, OutboxTypes.AuditResult, data, idempotencyKey, ct);
        return new Submitted(run, outcome.Result == Inbound.InboundResult.Duplicate);
    }
}
