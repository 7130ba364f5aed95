namespace AgentLink.Web;

/// <summary>Config keys under AgentLink:Web.</summary>
public sealed class WebOptions
{
    public const string Section = "AgentLink:Web";

    /// <summary>
    /// Base URL of the functions host that /api is forwarded to. Empty = single-process
    /// mode: the functions run inside this host (required with the in-memory bus).
    /// </summary>
    public string? FunctionsUrl { get; set; }

    /// <summary>Seconds between SSE heartbeat comments, which keep proxies from closing idle streams.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>How long a presence entry lives without refresh; a crashed instance's users go offline after it.</summary>
    public int PresenceTtlSeconds { get; set; } = 30;

    /// <summary>Events a slow SSE client may fall behind before it is disconnected (it resumes by Last-Event-ID).</summary>
    public int ClientQueueLimit { get; set; } = 5000;

    /// <summary>
    /// How often each web instance checks that its live streams have heard every event the database has
    /// (the bus is at-most-once); it also checks at once when the bus comes back after an outage.
    /// </summary>
    public int ResyncSeconds { get; set; } = 30;

    /// <summary>How often each web instance checks that the sessions of its open streams still exist (sign-outs also close them at once).</summary>
    public int SessionCheckSeconds { get; set; } = 60;

    /// <summary>
    /// The most events a reconnecting stream is replayed (Last-Event-ID); further behind, and past the
    /// retention window, it gets a reset event and the page reloads its state instead.
    /// </summary>
    public int MaxReplayEvents { get; set; } = 10_000;

    /// <summary>
    /// Base URL of the MQTT bridge's HTTP port, where the MCP server is; set, this host forwards
    /// AgentLink:Mcp:Path (/mcp) to it, so agents use the app's own origin. Empty: not forwarded.
    /// </summary>
    public string? BridgeUrl { get; set; }

    public bool HostsFunctions => string.IsNullOrWhiteSpace(FunctionsUrl);

    public bool ForwardsMcp => !string.IsNullOrWhiteSpace(BridgeUrl);
}
