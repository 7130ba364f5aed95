using Cronos;
using Microsoft.Azure.Functions.Worker;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// Runs the timer functions in the standalone runtime, on the same NCRONTAB schedules the
/// Functions host would use (six fields, seconds first, UTC; a %Setting% is read from
/// configuration). Each tick runs once across every instance sharing the database: the
/// instance that inserts (function, due time) into timer_runs runs it, the others skip it.
/// Under the Functions host this class is not used; the host's timer trigger runs them.
/// </summary>
public sealed class TimerScheduler(
    FunctionCatalog catalog, IServiceScopeFactory scopes, IConfiguration configuration, NpgsqlDataSource dataSource,
    TimeProvider clock, ILogger<TimerScheduler> logger) : BackgroundService
{
    /// <summary>Set AgentLink:Timers:Enabled to false on instances that must not run timers.</summary>
    public const string EnabledKey = "AgentLink:Timers:Enabled";

    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private const string ClaimSql = """
        insert into timer_runs (function_name, due_at, instance) values (@name, @dueAt, @instance)
        on conflict do nothing
        """;

    private const string FinishSql = """
        update timer_runs set finished_at = now(), outcome = @outcome, error = @error
        where function_name = @name and due_at = @dueAt
        """;

    /// <summary>A timer's schedule with any %Setting% resolved.</summary>
    public static string ResolveSchedule(string schedule, IConfiguration configuration)
    {
        if (schedule.Length < 2 || schedule[0] != '%' || schedule[^1] != '%') return schedule;
        var key = schedule[1..^1];
        return configuration[key] is { Length: > 0 } value ? value
            : throw new InvalidOperationException($"Timer schedule setting '{key}' is not configured (environment variable {key.Replace(":", "__")}).");
    }

    /// <summary>The schedule as Cronos reads it: NCRONTAB with seconds, or an hh:mm:ss interval as the Functions host allows.</summary>
    public static Func<DateTimeOffset, DateTimeOffset?> ParseSchedule(string schedule)
    {
        if (TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
            return after => DateTimeOffset.FromUnixTimeMilliseconds((after.ToUnixTimeMilliseconds() / (long)interval.TotalMilliseconds + 1) * (long)interval.TotalMilliseconds);
        var cron = CronExpression.Parse(schedule, CronFormat.IncludeSeconds);
        return after => cron.GetNextOccurrence(after, TimeZoneInfo.Utc);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.GetValue(EnabledKey, true) is false)
        {
            logger.LogInformation("Timer functions are off on this instance ({Key}=false)", EnabledKey);
            return Task.CompletedTask;
        }
        // Resolved up front: a missing or malformed schedule stops the host at start, naming the setting.
        var timers = catalog.Timers.Select(t => (Timer: t, Next: ParseSchedule(ResolveSchedule(t.Schedule, configuration)))).ToList();
        return Task.WhenAll(timers.Select(t => RunScheduleAsync(t.Timer, t.Next, stoppingToken)));
    }

    private async Task RunScheduleAsync(TimerFunction timer, Func<DateTimeOffset, DateTimeOffset?> next, CancellationToken ct)
    {
        var invoker = FunctionInvoker.For(timer.Method);
        DateTimeOffset? last = null;
        while (!ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (next(now) is not { } due) return;
            var wait = due - now;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, clock, ct); }
                catch (OperationCanceledException) { return; }
            }
            try
            {
                if (await TryClaimAsync(timer, due, ct))
                    await RunTickAsync(timer, invoker, due, last, next(due), ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The database is unreachable: this tick is skipped; the next one tries again.
                logger.LogWarning(ex, "Timer {Function}: could not claim the tick due {Due}", timer.Name, due);
            }
            last = due;
        }
    }

    private async Task<bool> TryClaimAsync(TimerFunction timer, DateTimeOffset due, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(ClaimSql, new { name = timer.Name, dueAt = due, instance = _instance }, cancellationToken: ct)) == 1;
    }

    private async Task RunTickAsync(TimerFunction timer, FunctionInvoker invoker, DateTimeOffset due, DateTimeOffset? last, DateTimeOffset? following, CancellationToken ct)
    {
        var info = new TimerInfo
        {
            ScheduleStatus = new ScheduleStatus { Last = (last ?? due).UtcDateTime, Next = (following ?? due).UtcDateTime, LastUpdated = clock.GetUtcNow().UtcDateTime },
            IsPastDue = clock.GetUtcNow() - due > TimeSpan.FromSeconds(5),
        };
        string outcome = "succeeded";
        string? error = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            try
            {
                await invoker.InvokeTimerAsync(scope.ServiceProvider, info, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Timer {Function} failed (tick due {Due})", timer.Name, due);
                outcome = "failed";
                error = ex.Message.Length > 500 ? ex.Message[..500] : ex.Message;
            }
        }
        await using var conn = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await conn.ExecuteAsync(Cmd.For(FinishSql, new { name = timer.Name, dueAt = due, outcome, error }, ct));
    }
}
