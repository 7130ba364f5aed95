using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace AgentLink.Core.Events;

/// <summary>The embedded default when no Redis is configured: serves one process only.</summary>
public sealed class InMemoryEventBus(ILogger<InMemoryEventBus> logger) : IEventBus
{
    private readonly ILogger _logger = logger;

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _topics = new();

    /// <summary>An in-process bus never goes away.</summary>
    public event Action? Reconnected { add { } remove { } }

    public Task PublishAsync(string topic, string message, CancellationToken ct = default)
    {
        if (_topics.TryGetValue(topic, out var subscriptions))
            foreach (var subscription in subscriptions.Keys)
                subscription.Queue.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> SubscribeAsync(string topic, Func<string, Task> handler, CancellationToken ct = default)
    {
        var subscription = new Subscription(this, topic, handler);
        _topics.GetOrAdd(topic, _ => new()).TryAdd(subscription, 0);
        return Task.FromResult<IAsyncDisposable>(subscription);
    }

    private sealed class Subscription : IAsyncDisposable
    {
        private readonly InMemoryEventBus _bus;
        private readonly string _topic;
        private readonly Task _pump;

        public Channel<string> Queue { get; } = Channel.CreateUnbounded<string>(new() { SingleReader = true });

        public Subscription(InMemoryEventBus bus, string topic, Func<string, Task> handler)
        {
            _bus = bus;
            _topic = topic;
            _pump = Pump(handler);
        }

        private async Task Pump(Func<string, Task> handler)
        {
            await foreach (var message in Queue.Reader.ReadAllAsync())
            {
                try { await handler(message); }
                catch (Exception ex) { _bus._logger.LogError(ex, "Handler for {Topic} failed", _topic); }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_bus._topics.TryGetValue(_topic, out var subscriptions))
            {
                subscriptions.TryRemove(this, out _);
                if (subscriptions.IsEmpty) _bus._topics.TryRemove(new(_topic, subscriptions));
            }
            Queue.Writer.TryComplete();
            await _pump;
        }
    }
}
