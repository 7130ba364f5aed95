namespace AgentLink.Core.Options;

/// <summary>
/// How often a client may do what, per fixed window. Config keys under AgentLink:RateLimits
/// (sign-in per address stays AgentLink:Auth:LoginAttemptsPerMinute). Over a limit: 429
/// rate_limited with Retry-After. With Redis configured, every instance counts in the same windows.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "AgentLink:RateLimits";

    /// <summary>Sign-in attempts per account (email), whatever address they come from.</summary>
    public int LoginAttemptsPerAccountPerMinute { get; set; } = 5;

    /// <summary>New accounts per client address.</summary>
    public int SignupsPerHour { get; set; } = 60;

    /// <summary>Agent registrations per client address.</summary>
    public int AgentRegistrationsPerHour { get; set; } = 60;

    /// <summary>Messages one person posts (and edits) per minute.</summary>
    public int MessagesPerMinute { get; set; } = 300;

    /// <summary>Typing signals one person sends per minute (the page sends one every few seconds).</summary>
    public int TypingPerMinute { get; set; } = 60;

    /// <summary>Live streams (/events/*) one person opens per minute.</summary>
    public int StreamsPerMinute { get; set; } = 60;

    /// <summary>Questions a broker asks the auth hooks per minute, per address (one per connect, subscribe and publish check).</summary>
    public int BrokerHooksPerMinute { get; set; } = 60_000;
}
