using AgentLink.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Core.Events;

/// <summary>Redis pub/sub over the process's one shared multiplexer.</summary>
public sealed class RedisEventBus(IConnectionMultiplexer redis, IOptions<BusOptions> options, ILogger<RedisEventBus> logger) : IEventBus
{
    private readonly string _prefix = options.Value.ChannelPrefix;

    public async Task PublishAsync(string topic, string message, CancellationToken ct = default) =>
        await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(_prefix + topic), message);

    public async Task<IAsyncDisposable> SubscribeAsync(string topic, Func<string, Task> handler, CancellationToken ct = default)
    {
        // A ChannelMessageQueue delivers in order, one message at a time.
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_prefix + topic));
        queue.OnMessage(async message =>
        {
            // The library swallows handler exceptions; log them ourselves.
            try { await handler(message.Message.ToString()); }
            catch (Exception ex) { logger.LogError(ex, "Handler for {Topic} failed", topic); }
        });
        return new Unsubscriber(queue);
    }

    private sealed class Unsubscriber(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
