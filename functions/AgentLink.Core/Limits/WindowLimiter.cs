using System.Collections.Concurrent;
using AgentLink.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Core.Limits;

/// <summary>
/// Fixed-window counters. With Redis configured the windows are shared by every instance (one
/// INCR a call); while Redis is unreachable, and without Redis, each process counts alone, so a
/// Redis outage never blocks or slows a request.
/// </summary>
public sealed class WindowLimiter(IOptions<BusOptions> bus, TimeProvider clock, IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Window> _local = new();
    private readonly IConnectionMultiplexer? _redis = bus.Value.UsesRedis ? services.GetService<IConnectionMultiplexer>() : null;

    private sealed class Window(long index, long endsAtMs)
    {
        public readonly long Index = index;
        public readonly long EndsAtMs = endsAtMs;
        public int Count;
    }

    // INCR, and on the first hit of a window its expiry, in one round trip.
    private const string IncrementScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <summary>Counts one call of <paramref name="partition"/> under <paramref name="policy"/>; null when allowed, else how long until the window resets.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string policy, string partition, int permits, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var index = now / windowMs;
        var key = $"{policy}:{partition}";
        long count;
        if (_redis is { IsConnected: true })
        {
            try
            {
                count = (long)await _redis.GetDatabase().ScriptEvaluateAsync(IncrementScript,
                    [$"{bus.Value.ChannelPrefix}ratelimit:{key}:{index}"], [windowMs]);
            }
            catch (RedisException)
            {
                count = CountLocally(key, index, windowMs, now);
            }
        }
        else
        {
            count = CountLocally(key, index, windowMs, now);
        }
        return count <= permits ? null : TimeSpan.FromMilliseconds((index + 1) * windowMs - now);
    }

    private int CountLocally(string key, long index, long windowMs, long now)
    {
        var window = _local.AddOrUpdate(key, _ => new Window(index, (index + 1) * windowMs),
            (_, w) => w.Index == index ? w : new Window(index, (index + 1) * windowMs));
        if (_local.Count > 10_000)
            foreach (var (k, w) in _local)
                if (w.EndsAtMs <= now) _local.TryRemove(k, out _);
        return Interlocked.Increment(ref window.Count);
    }
}
