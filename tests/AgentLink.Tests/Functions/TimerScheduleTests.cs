using AgentLink.Functions.Runtime;
using Microsoft.Extensions.Configuration;

namespace AgentLink.Tests.Functions;

public sealed class TimerScheduleTests
{
    [Fact]
    public void A_schedule_setting_resolves_from_configuration_and_a_missing_one_names_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentLink:Timers:OutboxSweep"] = "*/7 * * * * *",
        }).Build();
        Assert.Equal("*/7 * * * * *", TimerScheduler.ResolveSchedule(TimerSchedules.OutboxSweep, configuration));
        Assert.Equal("0 0 * * * *", TimerScheduler.ResolveSchedule("0 0 * * * *", configuration));
        var missing = Assert.Throws<InvalidOperationException>(() => TimerScheduler.ResolveSchedule(TimerSchedules.Retention, configuration));
        Assert.Contains("AgentLink__Timers__Retention", missing.Message);
    }

    [Fact]
    public void Schedules_are_read_as_the_Functions_host_reads_them_NCRONTAB_with_seconds_or_an_interval()
    {
        var at = new DateTimeOffset(2026, 11, 28, 10, 0, 3, TimeSpan.Zero);
        Assert.Equal(at.AddSeconds(2), TimerScheduler.ParseSchedule("*/5 * * * * *")(at));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 10, 0, TimeSpan.Zero), TimerScheduler.ParseSchedule("0 */10 * * * *")(at));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 10, 0, 30, TimeSpan.Zero), TimerScheduler.ParseSchedule("00:00:30")(at));
        Assert.ThrowsAny<FormatException>(() => TimerScheduler.ParseSchedule("every five seconds"));
        // Every default is a schedule the scheduler (and the host) accepts.
        Assert.All(TimerSchedules.Defaults.Values, s => TimerScheduler.ParseSchedule(s));
    }
}
