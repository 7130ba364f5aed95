using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Chat;

/// <summary>The one DM between two members of a workspace: found, or created with both as members. Shared by people (HTTP) and agents (MCP).</summary>
public static class DirectMessages
{
    public sealed record Opened(Guid ChannelId, bool Created, WorkspaceEvent? Event);

    private const string PeerSql = "select exists (select 1 from memberships where workspace_id = @workspaceId and user_id = @peerId)";

    private const string InsertSql = """
        insert into channels (workspace_id, type, name, is_private, dm_key, created_by)
        values (@workspaceId, 'dm', 'dm', true, @dmKey, @userId)
        on conflict (workspace_id, dm_key) where type = 'dm' do nothing
        returning id
        """;

    private const string FindSql = "select id from channels where workspace_id = @workspaceId and type = 'dm' and dm_key = @dmKey";

    private const string MembersSql = """
        insert into channel_members (channel_id, workspace_id, user_id)
        values (@channelId, @workspaceId, @userId), (@channelId, @workspaceId, @peerId)
        """;

    /// <summary>
    /// Null when the peer is not a member of the workspace. The caller's own membership is the caller's check.
    /// Commits; publish the event (when created) after.
    /// </summary>
    public static async Task<Opened?> OpenAsync(NpgsqlConnection conn, Guid workspaceId, Guid userId, Guid peerId, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(PeerSql, new { workspaceId, peerId }, ct, tx))) return null;

        var dmKey = string.Join(':', new[] { userId, peerId }.Order());
        var created = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(InsertSql, new { workspaceId, dmKey, userId }, ct, tx));
        if (created is not { } channelId)
        {
            await tx.RollbackAsync(ct);
            return new(await conn.QuerySingleAsync<Guid>(Cmd.For(FindSql, new { workspaceId, dmKey }, ct)), false, null);
        }
        await conn.ExecuteAsync(Cmd.For(MembersSql, new { channelId, workspaceId, userId, peerId }, ct, tx));
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelCreated, channelId, null,
            new { channelId, type = "dm", memberIds = new[] { userId, peerId } }, ct);
        await tx.CommitAsync(ct);
        return new(channelId, true, e);
    }
}
