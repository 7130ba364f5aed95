namespace AgentLink.Core.Presence;

/// <summary>
/// Who is online in a workspace, across every host instance. An entry is
/// (user, instance) with an expiry; instances refresh theirs, so a crashed
/// instance's users expire instead of staying online forever.
/// </summary>
public interface IPresenceStore
{
    /// <summary>Returns true when the user was offline everywhere before.</summary>
    Task<bool> MarkOnlineAsync(Guid workspaceId, Guid userId, string instance, TimeSpan ttl);

    /// <summary>Returns true when the user is now offline everywhere.</summary>
    Task<bool> MarkOfflineAsync(Guid workspaceId, Guid userId, string instance);

    Task RefreshAsync(IReadOnlyCollection<(Guid WorkspaceId, Guid UserId)> entries, string instance, TimeSpan ttl);

    Task<IReadOnlyList<Guid>> OnlineAsync(Guid workspaceId);

    /// <summary>Drops expired entries of a workspace; returns the users that thereby went offline.</summary>
    Task<IReadOnlyList<Guid>> ExpireAsync(Guid workspaceId);
}
