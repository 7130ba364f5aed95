using AgentLink.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Agents;

public static class AgentServiceCollectionExtensions
{
    /// <summary>The AgentLink protocol settings, topic names and the agent directory, shared by every host.</summary>
    public static IServiceCollection AddAgentLinkAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section))
            .Validate(o => o.TopicRoot.Trim('/').Length > 0 && !o.TopicRoot.Contains('+') && !o.TopicRoot.Contains('#'),
                "AgentLink:Mqtt:TopicRoot must be a non-empty topic level without wildcards.")
            .Validate(o => o.EmbeddedPort is > 0 and < 65536, "AgentLink:Mqtt:EmbeddedPort must be a TCP port.")
            .Validate(o => o.MaxPayloadBytes >= 1024, "AgentLink:Mqtt:MaxPayloadBytes must be at least 1024.")
            .Validate(o => o.AgentMessagesPerSecond > 0 && o.AgentMessageBurst >= 1,
                "AgentLink:Mqtt:AgentMessagesPerSecond must be positive and AgentLink:Mqtt:AgentMessageBurst at least 1.")
            .Validate(o => o.KeepAliveSeconds is >= 2 and <= 3600 && o.HeartbeatSeconds >= 1 && o.PresenceTimeoutSeconds > o.HeartbeatSeconds,
                "AgentLink:Mqtt:KeepAliveSeconds must be 2..3600, and PresenceTimeoutSeconds longer than HeartbeatSeconds.")
            .ValidateOnStart();
        services.AddSingleton(sp => new AgentTopics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.TopicRoot));
        services.AddSingleton<AgentDirectory>();
        services.AddSingleton<AgentTopicAcl>();
        return services;
    }
}
