using AgentLink.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace AgentLink.Core.Events;

/// <summary>Publishes committed workspace events on the bus. Never throws: the database already holds them.</summary>
public sealed class EventPublisher(IEventBus bus, ILogger<EventPublisher> logger)
{
    public async Task PublishAsync(IEnumerable<WorkspaceEvent> events, CancellationToken ct = default)
    {
        using var span = AgentLinkTelemetry.Source.StartActivity("bus.publish", System.Diagnostics.ActivityKind.Producer);
        span?.SetTag("messaging.system", bus is RedisEventBus ? "redis" : "in-memory");
        // Issued in order and awaited together: the bus keeps the order, and a batch costs one round trip.
        var sends = events.Select(e => (Event: e, Task: Send(e, ct))).ToList();
        span?.SetTag("agentlink.events", sends.Count);
        foreach (var (e, task) in sends)
        {
            try
            {
                await task;
            }
            catch (Exception ex)
            {
                // Subscribers recover it from workspace_events by seq (gap fill or Last-Event-ID).
                logger.LogWarning(ex, "Publishing {Type} #{Seq} of workspace {WorkspaceId} failed", e.Type, e.Seq, e.WorkspaceId);
            }
        }
    }

    private Task Send(WorkspaceEvent e, CancellationToken ct)
    {
        // Events written through the workspace writer carry their caller's trace already; others take the current one.
        if (e.Trace is null && AgentLinkTelemetry.CurrentTraceParent() is { } trace) e = e with { Trace = trace };
        try { return bus.PublishAsync(BusTopics.WorkspaceEvents(e.WorkspaceId), e.ToJson(), ct); }
        catch (Exception ex) { return Task.FromException(ex); }
    }

    public Task PublishAsync(WorkspaceEvent e, CancellationToken ct = default) => PublishAsync([e], ct);
}
