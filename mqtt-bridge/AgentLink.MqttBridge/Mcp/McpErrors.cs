using AgentLink.Core.Agents;
using AgentLink.MqttBridge.Inbound;
using ModelContextProtocol;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// Refusals as MCP errors: a JSON-RPC error whose code says the kind (invalid params for anything the agent
/// can fix, internal error otherwise) and whose data carries the same stable code as the MQTT and HTTP
/// paths ({"code": "channel_not_found"}), so clients switch on it instead of on prose.
/// </summary>
public static class McpErrors
{
    public static McpProtocolException Refused(string code, string message)
    {
        var kind = code == AgentErrorCodes.InternalError ? McpErrorCode.InternalError : McpErrorCode.InvalidParams;
        var error = new McpProtocolException($"{code}: {message}", kind);
        error.Data["code"] = code;
        return error;
    }

    /// <summary>Takes one of the agent's tokens (the same bucket as its MQTT messages), or refuses with rate_limited.</summary>
    public static void Throttle(AgentRateLimiter limiter, Guid agentUserId)
    {
        if (!limiter.TryTake(agentUserId)) throw Refused(AgentErrorCodes.RateLimited, "Too many calls a second; slow down.");
    }

    public static McpProtocolException Invalid(string argument, string problem) =>
        Refused(AgentErrorCodes.ValidationFailed, $"{argument}: {problem}");

    /// <summary>The value written, or the refusal thrown; a duplicate (the same idempotency key again) is the value of the first.</summary>
    public static void ThrowIfRefused(InboundOutcome outcome)
    {
        if (outcome.Result == InboundResult.Refused) throw Refused(outcome.Code ?? AgentErrorCodes.ValidationFailed, outcome.Reason ?? "Refused.");
    }

    public static Guid Id(string? value, string argument) =>
        Guid.TryParse(value, out var id) ? id : throw Invalid(argument, "must be an id (UUID).");

    public static Guid? OptionalId(string? value, string argument) =>
        string.IsNullOrWhiteSpace(value) ? null : Id(value, argument);

    public static int Limit(int? value, int fallback, int max, string argument = "limit") =>
        value is null ? fallback : value is >= 1 && value <= max ? value.Value : throw Invalid(argument, $"must be from 1 to {max}.");
}
