using System.Collections.Concurrent;
using System.Diagnostics;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Telemetry;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Web.Relay;

/// <summary>
/// One bus subscription per topic with local listeners, shared by every SSE connection of this
/// process; the subscription ends with its last listener. The bus is at-most-once, so the hub
/// also notices what it may have missed and tells its listeners to catch up from the database
/// (a <see cref="ResyncType"/> event): at once when the bus comes back after an outage, and on a
/// slow timer (AgentLink:Web:ResyncSeconds) as a backstop, whenever a workspace's last seq in the
/// database is ahead of the last one heard on the bus. A quiet stream thus never waits for a later
/// event to learn it missed one.
/// </summary>
public sealed class WorkspaceTopicHub(
    IEventBus bus, NpgsqlDataSource dataSource, IOptions<WebOptions> options, ILogger<WorkspaceTopicHub> logger) : BackgroundService
{
    /// <summary>A synthetic event: catch up to its seq from the database (events) or re-read the state (status).</summary>
    public const string ResyncType = "relay.resync";

    public enum TopicKind { Events, Status }

    private readonly ConcurrentDictionary<string, Topic> _topics = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable> ListenAsync(string topic, Guid workspaceId, TopicKind kind, Action<RelayedEvent> listener, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_topics.TryGetValue(topic, out var entry))
            {
                entry = new Topic(workspaceId, kind);
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
        if (e.Seq is { } seq) entry.Heard(seq);
        // The span continues the trace of the request that wrote the event (the envelope's "trace").
        using var span = AgentLinkTelemetry.StartFrom("relay.deliver", e.Trace, ActivityKind.Consumer);
        span?.SetTag("agentlink.event_type", e.Type);
        span?.SetTag("agentlink.seq", e.Seq);
        span?.SetTag("agentlink.listeners", entry.Listeners.Count);
        AgentLinkTelemetry.EventsRelayed.Add(1, new KeyValuePair<string, object?>("type", e.Type));
        // Parsed and framed once here, however many connections forward it.
        Send(entry, new RelayedEvent(e, message));
        return Task.CompletedTask;
    }

    private static void Send(Topic entry, RelayedEvent relayed)
    {
        foreach (var listener in entry.Listeners.Keys) listener(relayed);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnReconnected() => _ = Task.Run(() => CatchUpAsync(reconnected: true, stoppingToken), stoppingToken);
        bus.Reconnected += OnReconnected;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ResyncSeconds));
            while (await timer.WaitForNextTickAsync(stoppingToken)) await CatchUpAsync(reconnected: false, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            bus.Reconnected -= OnReconnected;
        }
    }

    private const string LastSeqSql = "select id, last_seq from workspaces where id = any(@ids)";

    /// <summary>Tells the listeners of every workspace whose database is ahead of what was heard to catch up.</summary>
    private async Task CatchUpAsync(bool reconnected, CancellationToken ct)
    {
        try
        {
            var events = _topics.Values.Where(t => t.Kind == TopicKind.Events).ToList();
            if (events.Count > 0)
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                var last = (await conn.QueryAsync<(Guid Id, long LastSeq)>(Cmd.For(LastSeqSql, new { ids = events.Select(t => t.WorkspaceId).Distinct().ToArray() }, ct)))
                    .ToDictionary(r => r.Id, r => r.LastSeq);
                foreach (var topic in events)
                    if (last.TryGetValue(topic.WorkspaceId, out var seq) && topic.Heard(seq))
                        Send(topic, Resync(topic.WorkspaceId, seq));
            }
            // Presence changes while the bus was away were lost too: status streams re-read it.
            if (reconnected)
                foreach (var topic in _topics.Values.Where(t => t.Kind == TopicKind.Status))
                    Send(topic, Resync(topic.WorkspaceId, null));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Catching up the live streams failed; the next tick retries");
        }
    }

    // Never framed or sent as such: the listener acts on it.
    private static RelayedEvent Resync(Guid workspaceId, long? seq) =>
        new(new WorkspaceEvent(workspaceId, seq, ResyncType, null, null, default), "");

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

    private sealed class Topic(Guid workspaceId, TopicKind kind)
    {
        private long _heard;

        public Guid WorkspaceId { get; } = workspaceId;
        public TopicKind Kind { get; } = kind;
        public ConcurrentDictionary<Action<RelayedEvent>, byte> Listeners { get; } = new();
        public IAsyncDisposable? Subscription { get; set; }

        /// <summary>Records the highest seq known to have gone out; true when <paramref name="seq"/> raised it.</summary>
        public bool Heard(long seq)
        {
            var current = Volatile.Read(ref _heard);
            while (seq > current)
            {
                var seen = Interlocked.CompareExchange(ref _heard, seq, current);
                if (seen == current) return true;
                current = seen;
            }
            return false;
        }
    }

    private sealed class Lease(WorkspaceTopicHub hub, string topic, Action<RelayedEvent> listener) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(hub.ReleaseAsync(topic, listener));
    }
}
