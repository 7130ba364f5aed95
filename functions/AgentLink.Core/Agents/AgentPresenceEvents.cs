using AgentLink.Core.Events;
using Microsoft.Extensions.Logging;

namespace AgentLink.Core.Agents;

/// <summary>Tells browsers an agent's presence changed: a presence event on the workspace's status topic.</summary>
public static class AgentPresenceEvents
{
    /// <summary>Never throws: presence is also in remote_agents, which the status stream's snapshot reads.</summary>
    public static async Task AnnounceAsync(IEventBus bus, Guid workspaceId, Guid userId, string status, DateTime? lastSeen, ILogger logger)
    {
        var e = new WorkspaceEvent(workspaceId, null, EventTypes.Presence, null, null,
            WorkspaceEvent.ToData(new { userId, kind = "agent", status, lastSeen }));
        try { await bus.PublishAsync(BusTopics.WorkspaceStatus(workspaceId), e.ToJson()); }
        catch (Exception ex) { logger.LogWarning(ex, "Announcing presence of agent {UserId} failed", userId); }
    }
}
