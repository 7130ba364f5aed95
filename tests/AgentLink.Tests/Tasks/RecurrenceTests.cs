using AgentLink.Core.Tasks;

namespace AgentLink.Tests.Tasks;

public sealed class RecurrenceTests
{
    private static Recurrence Parse(string rule, string? zone = null)
    {
        Assert.True(Recurrence.TryParse(rule, zone, out var r, out var error), error);
        return r!;
    }

    private static DateTime Utc(int y, int mo, int d, int h, int mi = 0) => new(y, mo, d, h, mi, 0, DateTimeKind.Utc);

    [Fact]
    public void A_daily_rate_keeps_the_wall_clock_hour_across_both_DST_changes()
    {
        var daily = Parse("rate(1 day)", "Europe/Paris");
        // 09:00 in Paris on 28 March 2026 (UTC+1) is 08:00 UTC; clocks go forward on 29 March.
        Assert.Equal(Utc(2026, 3, 29, 7), daily.Next(Utc(2026, 3, 28, 8), Utc(2026, 3, 28, 9)));
        // 09:00 on 24 October (UTC+2) is 07:00 UTC; clocks go back on 25 October.
        Assert.Equal(Utc(2026, 10, 25, 8), daily.Next(Utc(2026, 10, 24, 7), Utc(2026, 10, 24, 8)));
        var weekly = Parse("rate(1 week)", "America/New_York");
        // Mondays 10:00 in New York: 14:00 UTC in summer, 15:00 UTC after 1 November 2026.
        Assert.Equal(Utc(2026, 11, 2, 15), weekly.Next(Utc(2026, 10, 26, 14), Utc(2026, 10, 26, 15)));
    }

    [Fact]
    public void Hour_and_minute_rates_are_elapsed_time_and_the_next_due_is_strictly_in_the_future()
    {
        var hourly = Parse("rate(2 hours)", "Europe/Paris");
        Assert.Equal(Utc(2026, 3, 29, 2), hourly.Next(Utc(2026, 3, 29, 0), Utc(2026, 3, 29, 1)));
        var minutes = Parse("rate(15 minutes)");
        // Done late: the missed occurrences are skipped, the next is after now, on the 15-minute grid.
        Assert.Equal(Utc(2026, 1, 1, 11, 15), minutes.Next(Utc(2026, 1, 1, 10), Utc(2026, 1, 1, 11, 10)));
        Assert.Equal(Utc(2026, 1, 1, 10, 15), minutes.Next(Utc(2026, 1, 1, 10), Utc(2026, 1, 1, 10)));
        // Done early (before it was due): the next is one period after the due time.
        Assert.Equal(Utc(2026, 1, 1, 10, 15), minutes.Next(Utc(2026, 1, 1, 10), Utc(2026, 1, 1, 9)));
        var daily = Parse("rate(3 days)", "Europe/Paris");
        Assert.Equal(Utc(2027, 1, 2, 8), daily.Next(Utc(2026, 1, 1, 8), Utc(2027, 1, 1, 12)));
    }

    [Fact]
    public void A_cron_rule_fires_in_its_time_zone_across_a_DST_change()
    {
        var weekdays = Parse("0 9 * * MON-FRI", "Europe/Paris");
        // Friday 27 March 09:00 (UTC+1) → Monday 30 March 09:00 (UTC+2) = 07:00 UTC.
        Assert.Equal(Utc(2026, 3, 30, 7), weekdays.Next(Utc(2026, 3, 27, 8), Utc(2026, 3, 27, 8, 30)));
        var quarterHour = Parse("*/15 * * * *");
        Assert.Equal(Utc(2026, 1, 1, 10, 45), quarterHour.Next(Utc(2026, 1, 1, 10), Utc(2026, 1, 1, 10, 31)));
    }

    [Theory]
    [InlineData("rate(0 days)", null, "1 to 10000")]
    [InlineData("rate(10001 minutes)", null, "1 to 10000")]
    [InlineData("rate(1 fortnight)", null, "rate(N minute|hour|day|week)")]
    [InlineData("every day", null, "cron")]
    [InlineData("rate(1 day)", "Mars/Olympus", "Unknown time zone")]
    public void Bad_rules_say_what_is_wrong(string rule, string? zone, string expected)
    {
        Assert.False(Recurrence.TryParse(rule, zone, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Rules_are_written_back_in_one_canonical_form()
    {
        Assert.Equal("rate(2 weeks)", Parse("RATE( 2 week )").Rule);
        Assert.Equal("rate(1 minute)", Parse("rate(1 minutes)").Rule);
        Assert.Equal("0 9 * * MON-FRI", Parse("0  9 * * MON-FRI").Rule);
    }
}
