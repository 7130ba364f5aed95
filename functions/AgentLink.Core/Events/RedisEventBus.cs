using AgentLink.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Core.Events;

/// <summary>Redis pub/sub over the process's one shared multiplexer.</summary>
public sealed class RedisEventBus : IEventBus
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ILogger<RedisEventBus> _logger;
    private readonly string _prefix;

    public RedisEventBus(IConnectionMultiplexer redis, IOptions<BusOptions> options, ILogger<RedisEventBus> logger)
    {
        _redis = redis;
        _logger = logger;
        _prefix = options.Value.ChannelPrefix;
        redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType != ConnectionType.Subscription) return;
            logger.LogInformation("Redis is back; subscribers catch up from the database");
            try { Reconnected?.Invoke(); }
            catch (Exception ex) { logger.LogError(ex, "A reconnect handler failed"); }
        };
    }

    public event Action? Reconnected;

    /// <summary>
    /// Fire and forget: the caller (a request that has committed) never waits on Redis, whether it is
    /// fast, slow or down. Order is kept (one connection); what is lost is caught up from the database.
    /// </summary>
    public Task PublishAsync(string topic, string message, CancellationToken ct = default)
    {
        if (!_redis.IsConnected) return Task.CompletedTask;
        return _redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_prefix + topic), message, CommandFlags.FireAndForget);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string topic, Func<string, Task> handler, CancellationToken ct = default)
    {
        // A ChannelMessageQueue delivers in order, one message at a time.
        var queue = await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_prefix + topic));
        queue.OnMessage(async message =>
        {
            // The library swallows handler exceptions; log them ourselves.
            try { await handler(message.Message.ToString()); }
            catch (Exception ex) { _logger.LogError(ex, "Handler for {Topic} failed", topic); }
        });
        return new Unsubscriber(queue);
    }

    private sealed class Unsubscriber(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
