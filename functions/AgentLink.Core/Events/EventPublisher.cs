using Microsoft.Extensions.Logging;

namespace AgentLink.Core.Events;

/// <summary>Publishes committed workspace events on the bus. Never throws: the database already holds them.</summary>
public sealed class EventPublisher(IEventBus bus, ILogger<EventPublisher> logger)
{
    public async Task PublishAsync(IEnumerable<WorkspaceEvent> events, CancellationToken ct = default)
    {
        foreach (var e in events)
        {
            try
            {
                await bus.PublishAsync(BusTopics.WorkspaceEvents(e.WorkspaceId), e.ToJson(), ct);
            }
            catch (Exception ex)
            {
                // Subscribers recover it from workspace_events by seq (gap fill or Last-Event-ID).
                logger.LogWarning(ex, "Publishing {Type} #{Seq} of workspace {WorkspaceId} failed", e.Type, e.Seq, e.WorkspaceId);
            }
        }
    }

    public Task PublishAsync(WorkspaceEvent e, CancellationToken ct = default) => PublishAsync([e], ct);
}
