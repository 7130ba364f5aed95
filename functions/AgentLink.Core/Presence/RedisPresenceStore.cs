using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Core.Presence;

/// <summary>
/// Presence in Redis: per workspace a sorted set of users scored by their
/// latest expiry, and per user a sorted set of instances scored by expiry.
/// The scripts keep each transition atomic across instances.
/// </summary>
public sealed class RedisPresenceStore(IConnectionMultiplexer redis, IOptions<BusOptions> options, TimeProvider clock) : IPresenceStore
{
    private readonly string _prefix = options.Value.ChannelPrefix + "presence:";

    // KEYS: users set, user's instances set. ARGV: user, instance, expiry, now, key ttl seconds.
    private const string OnlineScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        local was = redis.call('ZCARD', KEYS[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
        redis.call('EXPIRE', KEYS[2], ARGV[5])
        redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
        redis.call('EXPIRE', KEYS[1], ARGV[5])
        if was == 0 then return 1 else return 0 end
        """;

    // KEYS: users set, user's instances set. ARGV: user, instance, now.
    private const string OfflineScript = """
        redis.call('ZREM', KEYS[2], ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
        local left = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
        if #left == 0 then redis.call('ZREM', KEYS[1], ARGV[1]) return 1 end
        redis.call('ZADD', KEYS[1], left[2], ARGV[1])
        return 0
        """;

    private const string ExpireScript = """
        local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        return gone
        """;

    private IDatabase Db => redis.GetDatabase();

    private RedisKey UsersKey(Guid workspaceId) => $"{_prefix}{workspaceId:N}";

    private RedisKey UserKey(Guid workspaceId, Guid userId) => $"{_prefix}{workspaceId:N}:{userId:N}";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<bool> MarkOnlineAsync(Guid workspaceId, Guid userId, string instance, TimeSpan ttl)
    {
        var result = await Db.ScriptEvaluateAsync(OnlineScript,
            [UsersKey(workspaceId), UserKey(workspaceId, userId)],
            [userId.ToString("N"), instance, Now + (long)ttl.TotalMilliseconds, Now, (long)ttl.TotalSeconds * 4]);
        return (long)result == 1;
    }

    public async Task<bool> MarkOfflineAsync(Guid workspaceId, Guid userId, string instance)
    {
        var result = await Db.ScriptEvaluateAsync(OfflineScript,
            [UsersKey(workspaceId), UserKey(workspaceId, userId)], [userId.ToString("N"), instance, Now]);
        return (long)result == 1;
    }

    public async Task RefreshAsync(IReadOnlyCollection<(Guid WorkspaceId, Guid UserId)> entries, string instance, TimeSpan ttl)
    {
        var expiry = Now + (long)ttl.TotalMilliseconds;
        var batch = Db.CreateBatch();
        var writes = new List<Task>();
        foreach (var (workspaceId, userId) in entries)
        {
            writes.Add(batch.SortedSetAddAsync(UserKey(workspaceId, userId), instance, expiry));
            writes.Add(batch.KeyExpireAsync(UserKey(workspaceId, userId), ttl * 4));
            writes.Add(batch.SortedSetAddAsync(UsersKey(workspaceId), userId.ToString("N"), expiry, SortedSetWhen.GreaterThan));
            writes.Add(batch.KeyExpireAsync(UsersKey(workspaceId), ttl * 4));
        }
        batch.Execute();
        await Task.WhenAll(writes);
    }

    public async Task<IReadOnlyList<Guid>> OnlineAsync(Guid workspaceId)
    {
        var members = await Db.SortedSetRangeByScoreAsync(UsersKey(workspaceId), Now, double.PositiveInfinity);
        return members.Select(m => Guid.Parse(m.ToString())).ToList();
    }

    public async Task<IReadOnlyList<Guid>> ExpireAsync(Guid workspaceId)
    {
        // Read and remove in one step, so exactly one instance reports each transition.
        var expired = (RedisResult[]?)await Db.ScriptEvaluateAsync(ExpireScript, [UsersKey(workspaceId)], [Now]) ?? [];
        return expired.Select(m => Guid.Parse(m.ToString())).ToList();
    }
}
