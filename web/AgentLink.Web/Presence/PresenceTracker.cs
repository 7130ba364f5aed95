using AgentLink.Core.Events;
using AgentLink.Core.Presence;
using Microsoft.Extensions.Options;

namespace AgentLink.Web.Presence;

/// <summary>
/// Human presence: a user is online in a workspace while at least one of their
/// status streams is open on any instance. This instance counts its own streams,
/// keeps its entries fresh in the store, expires other instances' stale entries,
/// and announces transitions on the workspace's status topic.
/// </summary>
public sealed class PresenceTracker(IPresenceStore store, IEventBus bus, IOptions<WebOptions> options, ILogger<PresenceTracker> logger)
    : BackgroundService
{
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<(Guid WorkspaceId, Guid UserId), int> _local = [];
    private readonly Lock _lock = new();
    // Transitions go to the store one at a time, so a connect and a disconnect of the same
    // user can never reach it in the opposite order (which would leave an open stream offline).
    private readonly SemaphoreSlim _transitions = new(1, 1);

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.Value.PresenceTtlSeconds);

    public async Task ConnectAsync(Guid workspaceId, Guid userId)
    {
        await _transitions.WaitAsync();
        try
        {
            lock (_lock) _local[(workspaceId, userId)] = _local.GetValueOrDefault((workspaceId, userId)) + 1;
            if (await store.MarkOnlineAsync(workspaceId, userId, _instance, Ttl)) await AnnounceAsync(workspaceId, userId, "online");
        }
        finally
        {
            _transitions.Release();
        }
    }

    public async Task DisconnectAsync(Guid workspaceId, Guid userId)
    {
        await _transitions.WaitAsync();
        try
        {
            lock (_lock)
            {
                var left = _local.GetValueOrDefault((workspaceId, userId)) - 1;
                if (left > 0) { _local[(workspaceId, userId)] = left; return; }
                _local.Remove((workspaceId, userId));
            }
            if (await store.MarkOfflineAsync(workspaceId, userId, _instance)) await AnnounceAsync(workspaceId, userId, "offline");
        }
        finally
        {
            _transitions.Release();
        }
    }

    public Task<IReadOnlyList<Guid>> OnlineAsync(Guid workspaceId) => store.OnlineAsync(workspaceId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Ttl / 3);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                List<(Guid, Guid)> mine;
                lock (_lock) mine = [.. _local.Keys];
                await store.RefreshAsync(mine, _instance, Ttl);
                foreach (var workspaceId in mine.Select(k => k.Item1).Distinct())
                    foreach (var userId in await store.ExpireAsync(workspaceId))
                        await AnnounceAsync(workspaceId, userId, "offline");
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Presence refresh failed; retrying next tick");
            }
        }
    }

    private Task AnnounceAsync(Guid workspaceId, Guid userId, string status) =>
        bus.PublishAsync(BusTopics.WorkspaceStatus(workspaceId),
            new WorkspaceEvent(workspaceId, null, EventTypes.Presence, null, null,
                WorkspaceEvent.ToData(new { userId, kind = "human", status, at = DateTimeOffset.UtcNow })).ToJson());
}
