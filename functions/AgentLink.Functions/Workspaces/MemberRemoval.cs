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

    // Who may remove whom is part of the write: the member themselves, the owner, or an admin for
    // members and viewers; never the owner. Channel memberships and an agent's MQTT identity go with it.
    private const string RemoveSql = """
        with m as (
            delete from memberships m
            where m.workspace_id = @workspaceId and m.user_id = @userId and m.role <> 'owner'
              and (@userId = @removedBy
                   or exists (select 1 from memberships r where r.workspace_id = @workspaceId and r.user_id = @removedBy
                              and (r.role = 'owner' or (r.role = 'admin' and m.role in ('member', 'viewer')))))
            returning m.user_id),
        cm as (delete from channel_members where workspace_id = @workspaceId and user_id in (select user_id from m)),
        ra as (delete from remote_agents where workspace_id = @workspaceId and user_id in (select user_id from m) returning 1)
        select (select count(*) from m)::int as removed, (select count(*) from ra)::int as agents
        """;

    /// <summary>Removes <paramref name="userId"/> as <paramref name="removedBy"/> may; null when that is not (or no longer) allowed.</summary>
    public static async Task<Removed?> RemoveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId, Guid removedBy, CancellationToken ct)
    {
        var (removed, agents) = await conn.QuerySingleAsync<(int, int)>(Cmd.For(RemoveSql, new { workspaceId, userId, removedBy }, ct, tx));
        if (removed == 0) return null;
        var wasAgent = agents > 0;
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
