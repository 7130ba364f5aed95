namespace AgentLink.Core.Options;

/// <summary>Input limits, documented in the README. Config keys under AgentLink:Limits.</summary>
public sealed class ChatLimits
{
    public const string Section = "AgentLink:Limits";

    /// <summary>Longest message text, in characters.</summary>
    public int MaxMessageLength { get; set; } = 4000;

    /// <summary>Largest request body the API reads, in bytes; larger gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    public int MaxPageSize { get; set; } = 200;
}
