namespace AgentLink.Functions.Channels;

public sealed record DmPeer(Guid Id, string Name, string Kind);

/// <summary>A channel as one user sees it: membership, read position and unread count included.</summary>
public sealed record ChannelView(
    Guid Id, Guid WorkspaceId, string Type, string Name, bool IsPrivate, string Topic, DateTime CreatedAt,
    DateTime? ArchivedAt, bool IsMember, long LastReadSeq, long LastMessageSeq, int UnreadCount, DmPeer? DmPeer);

public static class ChannelQueries
{
    /// <summary>Channels visible to @userId; callers add the WHERE on c.workspace_id or c.id.</summary>
    public const string Select = """
        select c.id, c.workspace_id, c.type, c.name, c.is_private, c.topic, c.created_at, c.archived_at,
               cm.user_id is not null as is_member,
               coalesce(cm.last_read_seq, 0) as last_read_seq,
               c.last_message_seq,
               case when cm.user_id is null then 0 else (
                   select count(*)::int from channel_messages x
                   where x.channel_id = c.id and x.seq > cm.last_read_seq and x.parent_id is null
                     and x.deleted_at is null and x.author_id <> @userId) end as unread_count,
               peer.id as peer_id, peer.name as peer_name, peer.kind as peer_kind
        from channels c
        left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
        left join lateral (
            select u.id, u.name, u.kind from channel_members o join users u on u.id = o.user_id
            where c.type = 'dm' and o.channel_id = c.id and o.user_id <> @userId limit 1) peer on true
        where ((c.type = 'channel' and not c.is_private) or cm.user_id is not null)
        """;

    private sealed record Row(
        Guid Id, Guid WorkspaceId, string Type, string Name, bool IsPrivate, string Topic, DateTime CreatedAt,
        DateTime? ArchivedAt, bool IsMember, long LastReadSeq, long LastMessageSeq, int UnreadCount,
        Guid? PeerId, string? PeerName, string? PeerKind)
    {
        public ChannelView ToView() => new(Id, WorkspaceId, Type, Type == "dm" && PeerName is not null ? PeerName : Name, IsPrivate, Topic,
            CreatedAt, ArchivedAt, IsMember, LastReadSeq, LastMessageSeq, UnreadCount,
            PeerId is { } id ? new DmPeer(id, PeerName!, PeerKind!) : null);
    }

    public static async Task<IReadOnlyList<ChannelView>> ListAsync(System.Data.IDbConnection conn, Guid workspaceId, Guid userId, CancellationToken ct)
    {
        var rows = await conn.QueryAsync<Row>(Cmd.For(
            Select + " and c.workspace_id = @workspaceId order by c.type, lower(c.name)", new { workspaceId, userId }, ct));
        return rows.Select(r => r.ToView()).ToList();
    }

    public static async Task<ChannelView?> GetAsync(System.Data.IDbConnection conn, Guid channelId, Guid userId, CancellationToken ct, System.Data.IDbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(Select + " and c.id = @channelId", new { channelId, userId }, ct, tx));
        return row?.ToView();
    }
}
