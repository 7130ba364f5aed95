namespace AgentLink.Core.Options;

/// <summary>Which broker the agents talk to.</summary>
public enum BrokerMode
{
    /// <summary>The bridge runs an MQTTnet broker in its own process: nothing else to install.</summary>
    Embedded,

    /// <summary>The bridge connects as a client to a broker run elsewhere (Mosquitto, EMQX, Azure Event Grid).</summary>
    External,
}

/// <summary>
/// The AgentLink protocol over MQTT. Config keys under AgentLink:Mqtt; read by the
/// bridge (broker, delivery) and the functions host (what agents are told on connect,
/// the broker auth hooks).
/// </summary>
public sealed class MqttOptions
{
    public const string Section = "AgentLink:Mqtt";

    /// <summary>First level of every AgentLink topic, so installs can share a broker.</summary>
    public string TopicRoot { get; set; } = "agentlink";

    public BrokerMode Broker { get; set; } = BrokerMode.Embedded;

    /// <summary>Where agents connect, as handed out by POST /api/v1/agents/connect. Empty: mqtt://localhost:{EmbeddedPort}.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Embedded broker: the plain-TCP port.</summary>
    public int EmbeddedPort { get; set; } = 1883;

    /// <summary>
    /// Where the plain-TCP listener binds. Agents send their API key as the MQTT password, so plain TCP
    /// stays on loopback (127.0.0.1) unless <see cref="AllowPlainTcp"/> is set; off the machine, use TLS.
    /// </summary>
    public string EmbeddedBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Lets the plain-TCP listener bind beyond loopback (a private network, or TLS ended in front of it).</summary>
    public bool AllowPlainTcp { get; set; }

    /// <summary>Embedded broker: the MQTT-over-TLS port, listening on every address when a certificate is configured.</summary>
    public int TlsPort { get; set; } = 8883;

    /// <summary>The TLS certificate with its private key: a PKCS#12 (.pfx) file, or a PEM certificate with <see cref="TlsKeyPath"/>.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The PEM private key, when <see cref="TlsCertificatePath"/> is a PEM certificate.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>The password of the .pfx file, if it has one.</summary>
    public string? TlsCertificatePassword { get; set; }

    public bool UsesTls => !string.IsNullOrWhiteSpace(TlsCertificatePath);

    /// <summary>External broker: where the bridge connects.</summary>
    public string ExternalHost { get; set; } = "127.0.0.1";

    public int ExternalPort { get; set; } = 1883;

    /// <summary>
    /// The bridge's own credentials on an external broker. The broker auth hooks
    /// (POST /api/v1/mqtt/auth, /acl) let this user publish and subscribe anywhere under the topic root.
    /// </summary>
    public string BridgeUsername { get; set; } = "agentlink-bridge";

    public string? BridgePassword { get; set; }

    /// <summary>The bridge's client id on an external broker; its persistent session holds what arrives while it restarts.</summary>
    public string BridgeClientId { get; set; } = "agentlink-bridge";

    /// <summary>
    /// External broker: when set, the bridge subscribes through $share/{group}/..., so that several
    /// bridge instances split the agents' traffic. Empty: a plain subscription (one bridge).
    /// </summary>
    public string? SharedSubscriptionGroup { get; set; }

    /// <summary>When set, the broker auth hooks require this value in the X-AgentLink-Hook-Secret header.</summary>
    public string? HookSecret { get; set; }

    /// <summary>Largest payload an agent may publish, in bytes; larger is refused.</summary>
    public int MaxPayloadBytes { get; set; } = 32 * 1024;

    /// <summary>Messages per second one agent may post (token bucket); stops runaway agent-to-agent loops.</summary>
    public double AgentMessagesPerSecond { get; set; } = 10;

    /// <summary>Messages an agent may post at once before the rate applies.</summary>
    public int AgentMessageBurst { get; set; } = 30;

    /// <summary>The MQTT keep-alive agents are told to use; the broker drops a silent agent after 1.5 times it.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How often agents are told to publish a status heartbeat.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>An agent with no status heartbeat for this long is marked offline by the bridge, whatever its connection says.</summary>
    public int PresenceTimeoutSeconds { get; set; } = 45;

    /// <summary>
    /// A skill delivery still unacknowledged while its agent has been offline this long is 'failed: agent
    /// offline' (by the FailSkillDeliveriesToOfflineAgents timer) until the agent reconnects and it goes out again.
    /// </summary>
    public int SkillOfflineFailSeconds { get; set; } = 300;

    /// <summary>What agents are told: PublicUrl, else the local TLS listener when there is one, else plain TCP.</summary>
    public string ResolvedPublicUrl => !string.IsNullOrWhiteSpace(PublicUrl) ? PublicUrl!
        : UsesTls ? $"mqtts://localhost:{TlsPort}" : $"mqtt://localhost:{EmbeddedPort}";
}
