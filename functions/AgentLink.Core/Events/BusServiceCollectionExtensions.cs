using AgentLink.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace AgentLink.Core.Events;

public static class BusServiceCollectionExtensions
{
    /// <summary>Redis pub/sub when AgentLink:Bus:Redis is set, else the in-memory bus (one process).</summary>
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
        }
        else
        {
            services.TryAddSingleton<IEventBus, InMemoryEventBus>();
        }
        services.TryAddSingleton<EventPublisher>();
        return services;
    }
}
