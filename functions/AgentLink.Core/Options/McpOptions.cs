namespace AgentLink.Core.Options;

/// <summary>Config keys under AgentLink:Mcp: the MCP server agents can use instead of MQTT (served by the bridge).</summary>
public sealed class McpOptions
{
    public const string Section = "AgentLink:Mcp";

    /// <summary>Serve MCP (Streamable HTTP) on the bridge's HTTP port.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path it is served at, on the bridge (and, forwarded, on the web host).</summary>
    public string Path { get; set; } = "/mcp";

    /// <summary>
    /// How long a delivery handed to an MCP session waits for the agent's acknowledgement before it is owed
    /// again (to MCP or MQTT). Meanwhile no other transport gets it, so it is never delivered twice at once.
    /// </summary>
    public int OfferSeconds { get; set; } = 60;

    /// <summary>The URL agents use, as agent cards and the onboarding show it. Empty: the web app's origin + Path.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How often an open MCP session refreshes its agent's presence (it has no MQTT heartbeat).</summary>
    public int PresenceRefreshSeconds { get; set; } = 20;

    /// <summary>
    /// A session with no request and no open stream for this long is closed (its agent then shows offline, unless it
    /// is on MQTT); the client starts a new one. Clients that keep the notification stream open are never idle.
    /// </summary>
    public int IdleMinutes { get; set; } = 10;
}
