using System.Collections.Concurrent;
using AgentLink.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Core.Limits;

/// <summary>
/// Sliding-window counters, approximated from two fixed windows: a call is allowed while
/// (calls in this window) + (calls in the previous window) x (the share of the previous window
/// still inside the last window length) stays within the permits. Unlike plain fixed windows, a
/// burst straddling a window boundary cannot get twice the permits. With Redis configured the
/// counters are shared by every instance (one script call, one round trip); while Redis is
/// unreachable, and without Redis, each process counts alone, so a Redis outage never blocks or
/// slows a request.
/// </summary>
public sealed class WindowLimiter(IOptions<BusOptions> bus, TimeProvider clock, IServiceProvider services)
{
    private readonly ConcurrentDictionary<string, Window> _local = new();
    private readonly IConnectionMultiplexer? _redis = bus.Value.UsesRedis ? services.GetService<IConnectionMultiplexer>() : null;

    private sealed class Window(long index, long endsAtMs, int previous)
    {
        public readonly long Index = index;
        public readonly long EndsAtMs = endsAtMs;
        public readonly int Previous = previous;
        public int Count;
    }

    // INCR this window's counter (it lives two windows: the next one reads it as its previous),
    // and read the previous window's, in one round trip.
    private const string IncrementScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        local p = tonumber(redis.call('GET', KEYS[2]) or '0')
        return {n, p}
        """;

    /// <summary>Counts one call of <paramref name="partition"/> under <paramref name="policy"/>; null when allowed, else how long until the window resets.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string policy, string partition, int permits, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var index = now / windowMs;
        var key = $"{policy}:{partition}";
        long count, previous;
        if (_redis is { IsConnected: true })
        {
            try
            {
                var prefix = $"{bus.Value.ChannelPrefix}ratelimit:{key}:";
                var counts = (long[])(await _redis.GetDatabase().ScriptEvaluateAsync(IncrementScript,
                    [prefix + index, prefix + (index - 1)], [2 * windowMs]))!;
                (count, previous) = (counts[0], counts[1]);
            }
            catch (RedisException)
            {
                (count, previous) = CountLocally(key, index, windowMs, now);
            }
        }
        else
        {
            (count, previous) = CountLocally(key, index, windowMs, now);
        }
        var previousShare = 1 - (double)(now - index * windowMs) / windowMs;
        var estimate = count + previous * previousShare;
        return estimate <= permits ? null : RetryAfter(permits, count, previous, now - index * windowMs, windowMs);
    }

    /// <summary>When the next call would be allowed, if nobody else calls meanwhile.</summary>
    private static TimeSpan RetryAfter(int permits, long count, long previous, long elapsedMs, long windowMs)
    {
        double waitMs;
        if (count + 1 <= permits && previous > 0)
            // Still within this window, once enough of the previous one has slid out.
            waitMs = (1 - (double)(permits - count - 1) / previous) * windowMs - elapsedMs;
        else
            // In the next window, once enough of this one has slid out.
            waitMs = windowMs - elapsedMs + windowMs * Math.Max(0, 1 - (double)(permits - 1) / count);
        // Whole seconds, rounded up (Retry-After is in seconds; early would be refused again).
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(waitMs / 1000)));
    }

    private (int Count, int Previous) CountLocally(string key, long index, long windowMs, long now)
    {
        var window = _local.AddOrUpdate(key, _ => new Window(index, (index + 1) * windowMs, 0),
            (_, w) => w.Index == index ? w : new Window(index, (index + 1) * windowMs, w.Index == index - 1 ? w.Count : 0));
        if (_local.Count > 10_000)
            foreach (var (k, w) in _local)
                if (w.EndsAtMs + windowMs <= now) _local.TryRemove(k, out _);
        return (Interlocked.Increment(ref window.Count), window.Previous);
    }
}
