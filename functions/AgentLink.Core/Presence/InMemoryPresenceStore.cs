namespace AgentLink.Core.Presence;

/// <summary>Presence for a single process (no Redis configured).</summary>
public sealed class InMemoryPresenceStore(TimeProvider clock) : IPresenceStore
{
    private readonly Dictionary<Guid, Dictionary<Guid, Dictionary<string, DateTimeOffset>>> _workspaces = [];
    private readonly Lock _lock = new();

    public Task<bool> MarkOnlineAsync(Guid workspaceId, Guid userId, string instance, TimeSpan ttl)
    {
        lock (_lock)
        {
            var users = Users(workspaceId);
            if (!users.TryGetValue(userId, out var instances)) users[userId] = instances = [];
            var wasOnline = instances.Values.Any(expiry => expiry > clock.GetUtcNow());
            instances[instance] = clock.GetUtcNow() + ttl;
            return Task.FromResult(!wasOnline);
        }
    }

    public Task<bool> MarkOfflineAsync(Guid workspaceId, Guid userId, string instance)
    {
        lock (_lock)
        {
            var users = Users(workspaceId);
            if (!users.TryGetValue(userId, out var instances)) return Task.FromResult(true);
            instances.Remove(instance);
            var offline = !instances.Values.Any(expiry => expiry > clock.GetUtcNow());
            if (offline) users.Remove(userId);
            return Task.FromResult(offline);
        }
    }

    public Task RefreshAsync(IReadOnlyCollection<(Guid WorkspaceId, Guid UserId)> entries, string instance, TimeSpan ttl)
    {
        lock (_lock)
        {
            foreach (var (workspaceId, userId) in entries)
            {
                var users = Users(workspaceId);
                if (!users.TryGetValue(userId, out var instances)) users[userId] = instances = [];
                instances[instance] = clock.GetUtcNow() + ttl;
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Guid>> OnlineAsync(Guid workspaceId)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            IReadOnlyList<Guid> online = Users(workspaceId).Where(u => u.Value.Values.Any(e => e > now)).Select(u => u.Key).ToList();
            return Task.FromResult(online);
        }
    }

    public Task<IReadOnlyList<Guid>> ExpireAsync(Guid workspaceId)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            var users = Users(workspaceId);
            var gone = users.Where(u => !u.Value.Values.Any(e => e > now)).Select(u => u.Key).ToList();
            foreach (var userId in gone) users.Remove(userId);
            return Task.FromResult<IReadOnlyList<Guid>>(gone);
        }
    }

    private Dictionary<Guid, Dictionary<string, DateTimeOffset>> Users(Guid workspaceId)
    {
        if (!_workspaces.TryGetValue(workspaceId, out var users)) _workspaces[workspaceId] = users = [];
        return users;
    }
}
