using AgentLink.Core.Hosting;
using AgentLink.Core.Options;
using AgentLink.MqttBridge.Broker;
using AgentLink.MqttBridge.Delivery;
using AgentLink.MqttBridge.Inbound;
using AgentLink.MqttBridge.Mcp;
using AgentLink.MqttBridge.Presence;

namespace AgentLink.MqttBridge;

public static class BridgeHost
{
    /// <summary>
    /// The bridge's parts: a broker transport (embedded broker or external client), what
    /// agents send (persisted, then acknowledged), what they are owed (the outbox
    /// dispatcher) and their presence; and the MCP server, agents' second transport (MapAgentLinkMcp).
    /// </summary>
    public static WebApplicationBuilder AddAgentLinkBridge(this WebApplicationBuilder builder)
    {
        builder.AddAgentLinkDefaults("agentlink-bridge");
        var services = builder.Services;
        var mqtt = builder.Configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        if (mqtt.Broker == BrokerMode.External)
        {
            services.AddOptions<MqttOptions>().Validate(o => !string.IsNullOrEmpty(o.BridgePassword) || o.BridgeUsername.Length == 0,
                "AgentLink:Mqtt:BridgePassword is required with an external broker (or set AgentLink:Mqtt:BridgeUsername to empty for an anonymous broker).");
            services.AddSingleton<ExternalBrokerClient>();
            services.AddSingleton<IAgentTransport>(sp => sp.GetRequiredService<ExternalBrokerClient>());
            services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerClient>());
        }
        else
        {
            services.AddSingleton<EmbeddedBroker>();
            services.AddSingleton<IAgentTransport>(sp => sp.GetRequiredService<EmbeddedBroker>());
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }
        services.AddSingleton<AgentRateLimiter>();
        services.AddSingleton<AgentMessageHandler>();
        services.AddSingleton<TaskUpdateHandler>();
        services.AddSingleton<SkillAckHandler>();
        services.AddSingleton<MemoryHandler>();
        services.AddSingleton<AuditResultHandler>();
        services.AddSingleton<AgentLink.Core.Tasks.TaskChanges>();
        services.AddSingleton<AgentPresence>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHealthChecks().AddCheck<BrokerHealthCheck>("mqtt", tags: ["ready"]);
        services.AddAgentLinkMcp();
        return builder;
    }
}
