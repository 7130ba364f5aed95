using System.Collections.Concurrent;
using AgentLink.Core.Events;

namespace AgentLink.Web.Relay;

/// <summary>
/// One bus subscription per (topic) with local listeners, shared by every SSE
/// connection of this process; the subscription ends with its last listener.
/// </summary>
public sealed class WorkspaceTopicHub(IEventBus bus, ILogger<WorkspaceTopicHub> logger)
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable> ListenAsync(string topic, Action<RelayedEvent> listener, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_topics.TryGetValue(topic, out var entry))
            {
                entry = new Topic();
                entry.Subscription = await bus.SubscribeAsync(topic, message => Dispatch(topic, message), ct);
                _topics[topic] = entry;
            }
            entry.Listeners[listener] = 0;
            return new Lease(this, topic, listener);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task Dispatch(string topic, string message)
    {
        if (!_topics.TryGetValue(topic, out var entry)) return Task.CompletedTask;
        var e = WorkspaceEvent.FromJson(message);
        if (e is null) { logger.LogWarning("Unreadable event on {Topic}", topic); return Task.CompletedTask; }
        // Parsed and framed once here, however many connections forward it.
        var relayed = new RelayedEvent(e, message);
        foreach (var listener in entry.Listeners.Keys) listener(relayed);
        return Task.CompletedTask;
    }

    private async Task ReleaseAsync(string topic, Action<RelayedEvent> listener)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_topics.TryGetValue(topic, out var entry)) return;
            entry.Listeners.TryRemove(listener, out _);
            if (!entry.Listeners.IsEmpty) return;
            _topics.TryRemove(topic, out _);
            if (entry.Subscription is not null) await entry.Subscription.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed class Topic
    {
        public ConcurrentDictionary<Action<RelayedEvent>, byte> Listeners { get; } = new();
        public IAsyncDisposable? Subscription { get; set; }
    }

    private sealed class Lease(WorkspaceTopicHub hub, string topic, Action<RelayedEvent> listener) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(hub.ReleaseAsync(topic, listener));
    }
}
