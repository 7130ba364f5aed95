using System.Data;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

/// <summary>
/// Taking someone out of a workspace, person or agent: their channel memberships and
/// membership go and, for an agent, its MQTT identity and what it was still owed. The user
/// row stays, so past messages keep their author. Used by RemoveMember (people and agents,
/// removed by an admin) and RemoveAgent (an agent dropping one of its own ids).
/// </summary>
public static class MemberRemoval
{
    public sealed record Removed(WorkspaceEvent Event, bool WasAgent);

    private const string DeleteAgentSql = "delete from remote_agents where workspace_id = @workspaceId and user_id = @userId";

    private const string DeleteMemberSql = """
        delete from channel_members where workspace_id = @workspaceId and user_id = @userId;
        delete from memberships where workspace_id = @workspaceId and user_id = @userId;
        """;

    public static async Task<Removed> RemoveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var wasAgent = await conn.ExecuteAsync(Cmd.For(DeleteAgentSql, new { workspaceId, userId }, ct, tx)) > 0;
        await conn.ExecuteAsync(Cmd.For(DeleteMemberSql, new { workspaceId, userId }, ct, tx));
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        object data = wasAgent ? new { userId, kind = "agent" } : new { userId };
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberRemoved, null, null, data, ct);
        return new Removed(e, wasAgent);
    }

    /// <summary>Tells every bridge to drop a removed agent's live MQTT connection. Never throws.</summary>
    public static async Task DisconnectAgentAsync(IEventBus bus, Guid userId)
    {
        try { await bus.PublishAsync(BusTopics.AgentRevoked, userId.ToString()); }
        catch (Exception) { /* The broker refuses its next connect anyway. */ }
    }
}
