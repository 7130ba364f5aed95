namespace AgentLink.Core.Options;

/// <summary>
/// The event bus. With no Redis connection string an in-memory bus serves one
/// process; with one, any number of function, bridge and web instances share Redis pub/sub.
/// Config keys: AgentLink:Bus:Redis, AgentLink:Bus:ChannelPrefix.
/// </summary>
public sealed class BusOptions
{
    public const string Section = "AgentLink:Bus";

    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key and pub/sub channel, so installs can share a Redis.</summary>
    public string ChannelPrefix { get; set; } = "agentlink:";

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}
