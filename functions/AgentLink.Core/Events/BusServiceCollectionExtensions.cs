using AgentLink.Core.Options;
using AgentLink.Core.Presence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace AgentLink.Core.Events;

public static class BusServiceCollectionExtensions
{
    /// <summary>Redis pub/sub and presence when AgentLink:Bus:Redis is set, else in-memory ones (one process).</summary>
    public static IServiceCollection AddAgentLinkBus(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(BusOptions.Section);
        services.AddOptions<BusOptions>().Bind(section);
        var options = section.Get<BusOptions>() ?? new BusOptions();
        if (options.UsesRedis)
        {
            services.TryAddSingleton<IConnectionMultiplexer>(_ =>
            {
                var config = ConfigurationOptions.Parse(options.Redis!);
                // Keep retrying in the background instead of failing the host when Redis blips.
                config.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(config);
            });
            services.TryAddSingleton<IEventBus, RedisEventBus>();
            services.TryAddSingleton<IPresenceStore, RedisPresenceStore>();
        }
        else
        {
            services.TryAddSingleton<IEventBus, InMemoryEventBus>();
            services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        }
        services.TryAddSingleton<EventPublisher>();
        services.TryAddSingleton<WorkspaceWriter>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
