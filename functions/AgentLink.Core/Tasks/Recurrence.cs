using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;

namespace AgentLink.Core.Tasks;

/// <summary>
/// A recurring task's rule: the reference product's <c>rate(N minute|hour|day|week)</c> (N from 1
/// to 10 000) or a cron expression, read in an IANA time zone. The next due time is anchored on
/// the previous one and strictly in the future: a series finished late skips the occurrences it
/// missed instead of spawning them all. Day and week steps keep the wall-clock time across a DST
/// change (09:00 stays 09:00); minute and hour steps are exact elapsed time.
/// </summary>
public sealed partial class Recurrence
{
    public const int DefaultCap = 365;
    public const int MaxCap = 10_000;

    private enum Unit { Minute, Hour, Day, Week }

    private readonly Unit _unit;
    private readonly int _every;
    private readonly CronExpression? _cron;

    public string Rule { get; }
    public TimeZoneInfo Zone { get; }

    private Recurrence(string rule, TimeZoneInfo zone, Unit unit, int every, CronExpression? cron)
    {
        Rule = rule;
        Zone = zone;
        _unit = unit;
        _every = every;
        _cron = cron;
    }

    /// <summary>Reads a rule; the error says what is wrong in words a person can act on.</summary>
    public static bool TryParse(string? rule, string? timeZone, out Recurrence? recurrence, out string? error)
    {
        recurrence = null;
        error = null;
        var text = rule?.Trim() ?? "";
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = $"Unknown time zone \"{timeZone}\": use an IANA name such as Europe/Paris.";
            return false;
        }

        var rate = Rate().Match(text);
        if (rate.Success)
        {
            if (!int.TryParse(rate.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 10_000)
            {
                error = "rate(N unit): N is a whole number from 1 to 10000.";
                return false;
            }
            var unit = rate.Groups["unit"].Value.ToLowerInvariant().TrimEnd('s') switch
            {
                "minute" => Unit.Minute,
                "hour" => Unit.Hour,
                "day" => Unit.Day,
                _ => Unit.Week,
            };
            recurrence = new Recurrence($"rate({n} {unit.ToString().ToLowerInvariant()}{(n == 1 ? "" : "s")})", zone, unit, n, null);
            return true;
        }
        if (text.StartsWith("rate", StringComparison.OrdinalIgnoreCase))
        {
            error = "Write rate(N minute|hour|day|week), for example rate(2 weeks).";
            return false;
        }
        try
        {
            var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            var cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            recurrence = new Recurrence(string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries)), zone, Unit.Minute, 0, cron);
            return true;
        }
        catch (CronFormatException ex)
        {
            error = $"Neither rate(N unit) nor a cron expression: {ex.Message}";
            return false;
        }
    }

    /// <summary>The first due time after <paramref name="previousDue"/> that is later than <paramref name="now"/>; null when a cron rule never fires again.</summary>
    public DateTime? Next(DateTime previousDue, DateTime now)
    {
        previousDue = DateTime.SpecifyKind(previousDue, DateTimeKind.Utc);
        now = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        if (_cron is not null)
            return _cron.GetNextOccurrence(previousDue > now ? previousDue : now, Zone, inclusive: false);

        if (_unit is Unit.Minute or Unit.Hour)
        {
            var step = _unit == Unit.Minute ? TimeSpan.FromMinutes(_every) : TimeSpan.FromHours(_every);
            var behind = now - previousDue;
            var steps = behind < TimeSpan.Zero ? 1 : behind.Ticks / step.Ticks + 1;
            return previousDue + TimeSpan.FromTicks(step.Ticks * steps);
        }

        // Days and weeks step in wall-clock time in the zone, so a DST change keeps the hour.
        var days = _unit == Unit.Day ? _every : _every * 7;
        var local = TimeZoneInfo.ConvertTimeFromUtc(previousDue, Zone);
        // Start a period short of where elapsed time says (a DST shift moves wall time by an hour at
        // most), so a series far behind does not step through every missed period.
        var k = Math.Max(1L, (long)Math.Floor((now - previousDue).TotalDays / days));
        while (true)
        {
            var candidate = ToUtc(local.AddDays(days * k));
            if (candidate > now) return candidate;
            k++;
        }
    }

    private DateTime ToUtc(DateTime wallClock)
    {
        wallClock = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        // A time that does not exist (clocks jumped forward) moves forward by the gap; a time that
        // happens twice (clocks went back) takes the first of the two.
        if (Zone.IsInvalidTime(wallClock))
        {
            var gap = Zone.GetAdjustmentRules().Select(r => r.DaylightDelta).DefaultIfEmpty(TimeSpan.FromHours(1)).Max();
            return TimeZoneInfo.ConvertTimeToUtc(wallClock + gap, Zone);
        }
        if (Zone.IsAmbiguousTime(wallClock))
        {
            var offset = Zone.GetAmbiguousTimeOffsets(wallClock).Max();
            return new DateTimeOffset(wallClock, offset).UtcDateTime;
        }
        return TimeZoneInfo.ConvertTimeToUtc(wallClock, Zone);
    }

    [GeneratedRegex(@"^rate\(\s*(?<n>\d+)\s+(?<unit>minutes?|hours?|days?|weeks?)\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex Rate();
}
