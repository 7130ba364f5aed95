using System.Collections.Concurrent;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentLink.Functions.Runtime;

/// <summary>The named rate-limit policies functions declare with [RateLimit].</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-in, sign-up and agent registration: per client address (AgentLink:Auth:LoginAttemptsPerMinute).</summary>
    public const string SignIn = "sign-in";

    /// <summary>The broker auth hooks: per client address, generous (a broker asks on every connect and subscribe).</summary>
    public const string BrokerHooks = "broker-hooks";
}

/// <summary>
/// Fixed-window counters for the declared policies. With Redis configured the windows are shared
/// by every instance (one INCR per call); while Redis is unreachable, and without Redis, each
/// process counts alone, so a Redis outage never blocks or slows a request.
/// </summary>
public sealed class FunctionRateLimiter(IOptions<AuthOptions> auth, IOptions<BusOptions> bus, TimeProvider clock, IServiceProvider services)
{
    private sealed record Rule(int Permits, TimeSpan Window, Func<HttpContext, string> Partition);

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private Rule RuleFor(string policy) => policy switch
    {
        RateLimitPolicies.SignIn => new(auth.Value.LoginAttemptsPerMinute, TimeSpan.FromMinutes(1), ClientAddress),
        RateLimitPolicies.BrokerHooks => new(6000, TimeSpan.FromMinutes(1), ClientAddress),
        _ => throw new InvalidOperationException($"Unknown rate-limit policy '{policy}'."),
    };

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

    /// <summary>Null when the call may go ahead; otherwise how long until the window resets.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(HttpContext http, string policy)
    {
        var rule = RuleFor(policy);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)rule.Window.TotalMilliseconds;
        var index = now / windowMs;
        var key = $"{policy}:{rule.Partition(http)}";
        long count;
        if (_redis is { IsConnected: true })
        {
            var redisKey = $"{bus.Value.ChannelPrefix}ratelimit:{key}:{index}";
            try
            {
                count = (long)await _redis.GetDatabase().ScriptEvaluateAsync(IncrementScript, [redisKey], [windowMs]);
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
        return count <= rule.Permits ? null : TimeSpan.FromMilliseconds((index + 1) * windowMs - now);
    }

    private int CountLocally(string key, long index, long windowMs, long now)
    {
        var window = _local.AddOrUpdate(key, _ => new Window(index, (index + 1) * windowMs),
            (_, w) => w.Index == index ? w : new Window(index, (index + 1) * windowMs));
        if (_local.Count > 10_000) Sweep(now);
        return Interlocked.Increment(ref window.Count);
    }

    private void Sweep(long now)
    {
        foreach (var (k, w) in _local)
            if (w.EndsAtMs <= now) _local.TryRemove(k, out _);
    }
}
