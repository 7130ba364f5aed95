namespace AgentLink.MqttBridge.Inbound;

public enum InboundResult
{
    /// <summary>Written and committed: acknowledge.</summary>
    Accepted,

    /// <summary>Already written before (a redelivery): acknowledge, write nothing.</summary>
    Duplicate,

    /// <summary>Refused for a reason the agent can fix: acknowledge (resending will not help), tell the agent why.</summary>
    Refused,
}

/// <summary>
/// What became of one message an agent published; RefId is its envelope id when it had one; Value is what
/// was written, when the caller answers with it (an MCP tool returns the posted message, the memory).
/// </summary>
public sealed record InboundOutcome(InboundResult Result, string? Code = null, string? Reason = null, Guid? RefId = null, object? Value = null)
{
    public static readonly InboundOutcome Duplicate = new(InboundResult.Duplicate);

    public static InboundOutcome Accepted(Guid id) => new(InboundResult.Accepted, RefId: id);

    public static InboundOutcome Refuse(string code, string reason, Guid? refId = null) => new(InboundResult.Refused, code, reason, refId);
}
