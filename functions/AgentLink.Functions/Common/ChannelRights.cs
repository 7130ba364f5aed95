namespace AgentLink.Functions.Common;

/// <summary>
/// The caller's rights (@userId) as SQL conditions on a channel aliased c, for writes that carry
/// them in their own WHERE: what was checked before the write can have changed by the time it
/// runs (a member removed, an admin demoted), and the write must then change nothing.
/// </summary>
public static class ChannelRights
{
    /// <summary>The caller may read the channel: a member of it, or a workspace member for a public channel.</summary>
    public const string CanRead = """
        (exists (select 1 from channel_members rcm where rcm.channel_id = c.id and rcm.user_id = @userId)
         or (c.type = 'channel' and not c.is_private
             and exists (select 1 from memberships rm where rm.workspace_id = c.workspace_id and rm.user_id = @userId)))
        """;

    /// <summary>The caller may write in the channel: a member of it, not a viewer, and it is not archived.</summary>
    public const string CanWrite = """
        (c.archived_at is null
         and exists (select 1 from channel_members wcm where wcm.channel_id = c.id and wcm.user_id = @userId)
         and exists (select 1 from memberships wm where wm.workspace_id = c.workspace_id and wm.user_id = @userId and wm.role <> 'viewer'))
        """;

    /// <summary>The caller is an owner or admin of the channel's workspace.</summary>
    public const string IsWorkspaceAdmin = """
        exists (select 1 from memberships am where am.workspace_id = c.workspace_id and am.user_id = @userId and am.role in ('owner', 'admin'))
        """;
}
