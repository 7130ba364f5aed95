using System.Data;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

/// <summary>Adding a member, shared by join (self) and add (by another member).</summary>
public static class ChannelMembership
{
    private const string AddSql = """
        insert into channel_members (channel_id, workspace_id, user_id, last_read_seq)
        select @channelId, @workspaceId, @userId, last_message_seq from channels where id = @channelId
        on conflict do nothing
        """;

    /// <summary>Adds the member (they start with nothing unread) and logs the event; null when already a member.</summary>
    public static async Task<WorkspaceEvent?> AddAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid channelId, Guid userId, string name, CancellationToken ct)
    {
        if (await conn.ExecuteAsync(Cmd.For(AddSql, new { channelId, workspaceId, userId }, ct, tx)) == 0) return null;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        return await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelMemberJoined, channelId, null, new { channelId, userId, name }, ct);
    }
}
