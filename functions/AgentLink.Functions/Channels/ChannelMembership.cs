using System.Data;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

/// <summary>Adding a member, shared by join (self) and add (by another member).</summary>
public static class ChannelMembership
{
    public enum Outcome { Added, AlreadyMember, Refused }

    // The rights are part of the write: the added person is in the workspace, and either joins a public
    // channel themselves, or is added by a channel member who may write. They start with nothing unread.
    private const string AddSql = """
        insert into channel_members (channel_id, workspace_id, user_id, last_read_seq)
        select c.id, c.workspace_id, @userId, c.last_message_seq from channels c
        where c.id = @channelId and c.workspace_id = @workspaceId and c.type = 'channel' and c.archived_at is null
          and exists (select 1 from memberships tm where tm.workspace_id = c.workspace_id and tm.user_id = @userId)
          and ((@addedBy = @userId and not c.is_private)
               or exists (select 1 from channel_members bm join memberships bw on bw.workspace_id = bm.workspace_id and bw.user_id = bm.user_id
                          where bm.channel_id = c.id and bm.user_id = @addedBy and bw.role <> 'viewer'))
        on conflict do nothing
        """;

    private const string IsMemberSql = "select exists (select 1 from channel_members where channel_id = @channelId and user_id = @userId)";

    /// <summary>Adds the member and logs the event (returned when added).</summary>
    public static async Task<(Outcome Outcome, WorkspaceEvent? Event)> AddAsync(
        IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid channelId, Guid userId, string name, Guid addedBy, CancellationToken ct)
    {
        if (await conn.ExecuteAsync(Cmd.For(AddSql, new { channelId, workspaceId, userId, addedBy }, ct, tx)) == 0)
            return (await conn.ExecuteScalarAsync<bool>(Cmd.For(IsMemberSql, new { channelId, userId }, ct, tx)) ? Outcome.AlreadyMember : Outcome.Refused, null);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelMemberJoined, channelId, null, new { channelId, userId, name }, ct);
        return (Outcome.Added, e);
    }
}
