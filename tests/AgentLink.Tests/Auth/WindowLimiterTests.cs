using AgentLink.Core.Limits;
using AgentLink.Core.Options;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Auth;

/// <summary>The limiter's counting (in-process; the Redis path runs the same arithmetic and is covered by RateLimitTests).</summary>
public sealed class WindowLimiterTests
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (WindowLimiter Limiter, ManualClock Clock) Create()
    {
        // 10 s before a minute boundary.
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 28, 12, 0, 50, TimeSpan.Zero));
        var limiter = new WindowLimiter(Microsoft.Extensions.Options.Options.Create(new BusOptions()), clock, new ServiceCollection().BuildServiceProvider());
        return (limiter, clock);
    }

    private static async Task<int> AllowedAsync(WindowLimiter limiter, int calls)
    {
        var allowed = 0;
        for (var i = 0; i < calls; i++)
            if (await limiter.TryAcquireAsync("test", "p", 10, TimeSpan.FromMinutes(1)) is null) allowed++;
        return allowed;
    }

    [Fact]
    public async Task A_burst_straddling_a_window_boundary_gets_the_permits_once_not_twice()
    {
        var (limiter, clock) = Create();
        Assert.Equal(10, await AllowedAsync(limiter, 10));
        clock.Now = clock.Now.AddSeconds(11); // 1 s into the next window
        // Plain fixed windows would allow 10 more here; the previous window still counts almost fully.
        Assert.Equal(0, await AllowedAsync(limiter, 10));
    }

    [Fact]
    public async Task Permits_come_back_as_the_previous_window_slides_out_and_Retry_After_says_when()
    {
        var (limiter, clock) = Create();
        Assert.Equal(10, await AllowedAsync(limiter, 10));
        var wait = await limiter.TryAcquireAsync("test", "p", 10, TimeSpan.FromMinutes(1));
        Assert.NotNull(wait);
        clock.Now = clock.Now.Add(wait.Value);
        Assert.Null(await limiter.TryAcquireAsync("test", "p", 10, TimeSpan.FromMinutes(1)));
        // A full window later, everything is back.
        clock.Now = clock.Now.AddMinutes(2);
        Assert.Equal(10, await AllowedAsync(limiter, 10));
    }
}
