using System.Data;

namespace AgentLink.Functions.Messages;

public sealed record MessageTarget(Guid Id, Guid ChannelId, Guid AuthorId, Guid? ParentId, bool Deleted, ChannelAccess Channel);

public static class MessageAccess
{
    private const string Sql = "select channel_id, author_id, parent_id, deleted_at is not null from channel_messages where id = @messageId";

    /// <summary>The message and the caller's access to its channel; null when the caller cannot read it (404).</summary>
    public static async Task<MessageTarget?> FindAsync(IDbConnection conn, Guid messageId, Guid userId, CancellationToken ct, IDbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<(Guid ChannelId, Guid AuthorId, Guid? ParentId, bool Deleted)?>(Cmd.For(Sql, new { messageId }, ct, tx));
        if (row is not { } m) return null;
        var channel = await WorkspaceAccess.ChannelAsync(conn, m.ChannelId, userId, ct, tx);
        return channel is null ? null : new MessageTarget(messageId, m.ChannelId, m.AuthorId, m.ParentId, m.Deleted, channel);
    }
}
