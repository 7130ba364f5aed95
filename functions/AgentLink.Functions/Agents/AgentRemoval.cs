using System.Data;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Agents;

/// <summary>
/// Taking an agent out of its workspace: its MQTT identity, its memberships and what it
/// was still owed go; its user row stays, so its past messages keep their author.
/// </summary>
public static class AgentRemoval
{
    private const string DeleteSql = """
        delete from remote_agents where workspace_id = @workspaceId and user_id = @userId;
        delete from channel_members where workspace_id = @workspaceId and user_id = @userId;
        delete from memberships where workspace_id = @workspaceId and user_id = @userId;
        """;

    public static async Task<WorkspaceEvent> RemoveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId)
    {
        await conn.ExecuteAsync(DeleteSql, new { workspaceId, userId }, tx);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId);
        return await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberRemoved, null, null, new { userId, kind = "agent" });
    }

    /// <summary>Tells every bridge to drop the agent's live MQTT connection. Never throws.</summary>
    public static async Task DisconnectAsync(IEventBus bus, Guid userId)
    {
        try { await bus.PublishAsync(BusTopics.AgentRevoked, userId.ToString()); }
        catch (Exception) { /* The broker refuses its next connect anyway. */ }
    }
}
