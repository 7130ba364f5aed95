using System.Data;

namespace AgentLink.Functions.Common;

/// <summary>The caller's standing in a workspace or channel, read with the membership in the WHERE clause.</summary>
public static class WorkspaceAccess
{
    private const string RoleSql = "select role from memberships where workspace_id = @workspaceId and user_id = @userId";

    /// <summary>The caller's role, or null when they are not a member (callers answer 404: no existence leak).</summary>
    public static Task<string?> RoleAsync(IDbConnection conn, Guid workspaceId, Guid userId, CancellationToken ct, IDbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<string?>(Cmd.For(RoleSql, new { workspaceId, userId }, ct, tx));

    private const string ChannelSql = """
        select c.id, c.workspace_id, c.type, c.name, c.is_private, c.archived_at is not null as archived,
               c.created_by, m.role, cm.user_id is not null as is_member
        from channels c
        join memberships m on m.workspace_id = c.workspace_id and m.user_id = @userId
        left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
        where c.id = @channelId
        """;

    /// <summary>
    /// The channel as the caller may see it: null when it does not exist, is in a
    /// workspace they are not in, or is private and they are not a member.
    /// </summary>
    public static async Task<ChannelAccess?> ChannelAsync(IDbConnection conn, Guid channelId, Guid userId, CancellationToken ct, IDbTransaction? tx = null)
    {
        var access = await conn.QuerySingleOrDefaultAsync<ChannelAccess>(Cmd.For(ChannelSql, new { channelId, userId }, ct, tx));
        return access is { CanRead: true } ? access : null;
    }
}

public sealed record ChannelAccess(
    Guid Id, Guid WorkspaceId, string Type, string Name, bool IsPrivate, bool Archived, Guid CreatedBy, string Role, bool IsMember)
{
    public bool IsDm => Type == "dm";

    public bool CanRead => IsMember || (!IsPrivate && !IsDm);
}
