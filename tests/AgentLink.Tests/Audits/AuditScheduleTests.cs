using AgentLink.Core.Audits;
using AgentLink.Core.Options;
using AgentLink.Functions.Audits;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Audits;

/// <summary>Scheduled audits: two instances on one database, their timers ticking every second, start each due audit once.</summary>
public sealed class AuditScheduleTests
{
    [Theory]
    [InlineData("once", "2026-11-29T10:00:00Z", "2026-11-29T10:00:30Z", null)]
    [InlineData("daily", "2026-11-29T10:00:00Z", "2026-11-29T10:00:30Z", "2026-11-30T10:00:00Z")]
    [InlineData("daily", "2026-11-25T10:00:00Z", "2026-11-29T11:00:00Z", "2026-11-30T10:00:00Z")]
    [InlineData("weekly", "2026-11-29T10:00:00Z", "2026-11-29T10:00:30Z", "2026-12-06T10:00:00Z")]
    public void The_next_time_keeps_the_time_of_day_and_skips_times_already_past(string cadence, string due, string now, string? next) =>
        Assert.Equal(next is null ? null : DateTime.Parse(next).ToUniversalTime(),
            AuditSchedules.Next(cadence, DateTime.Parse(due).ToUniversalTime(), DateTime.Parse(now).ToUniversalTime()));

    [Fact]
    public async Task A_scheduled_audit_fires_once_with_two_instances_and_due_times_with_nothing_new_or_paused_are_skipped_with_the_reason()
    {
        var settings = new Dictionary<string, string?> { ["AgentLink:Timers:AuditSchedules"] = "* * * * * *" };
        await using var first = await AppStack.StartAsync(BusMode.Redis, settings, broker: BrokerMode.Embedded);
        var shared = first.Settings.Where(s => s.Key is not ("AgentLink:Mqtt:BridgeClientId" or "AgentLink:Web:FunctionsUrl")).ToDictionary(s => s.Key, s => s.Value);
        await using var second = await AppStack.StartAsync(BusMode.Redis, shared);
        Assert.Equal(first.Database, second.Database);

        var team = await Scenario.TeamAsync(first, "Scheduled");
        await using var busy = await TestAgent.OnboardAsync(first, team, "busy", "Busy");
        await using var idle = await TestAgent.OnboardAsync(first, team, "idle", "Idle");
        await busy.Client.PostAsync(team.GeneralId, "Shipped the fix.");
        var schedule = (TestAgent a) => $"/api/v1/workspaces/{team.WorkspaceId}/agents/{a.UserId}/audits/schedule";

        // Both due now, through both instances; overlapping passes on both run on top of the timers' own ticks.
        var viaSecond = second.Client();
        viaSecond.Http.DefaultRequestHeaders.Authorization = team.Owner.Http.DefaultRequestHeaders.Authorization;
        var firstRunAt = DateTime.UtcNow.AddSeconds(1);
        await team.Owner.OkAsync(HttpMethod.Put, schedule(busy), new { cadence = "daily", window = "24h", judge = "person", firstRunAt });
        await viaSecond.OkAsync(HttpMethod.Put, schedule(idle), new { cadence = "once", window = "24h", judge = "person", firstRunAt });
        var passes = new[] { first, second, first, second }.Select(s => ActivatorUtilities.CreateInstance<RunScheduledAudits>(s.ApiServices)).ToList();
        while (DateTime.UtcNow < firstRunAt.AddMilliseconds(200)) await Task.Delay(50);
        await Task.WhenAll(passes.Select(p => p.RunOnceAsync(CancellationToken.None)));
        await first.EventuallyAsync("select count(*) from audit_runs where workspace_id = @w and scheduled", new { w = team.WorkspaceId }, 2L, TimeSpan.FromSeconds(10));
        // Let both hosts' timers tick a few more times: nothing more may start.
        var ticked = DateTime.UtcNow;
        await first.EventuallyAsync("select count(*) >= 3 from timer_runs where function_name = 'RunScheduledAudits' and outcome is not null and due_at > @ticked",
            new { ticked }, true, TimeSpan.FromSeconds(15));

        var busyRuns = await first.ScalarAsync<string[]>("select array_agg(status) from audit_runs where agent_user_id = @a", new { a = busy.UserId });
        Assert.Equal(["running"], busyRuns);
        var idleRun = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{idle.UserId}/audits");
        var skipped = Assert.Single(idleRun.GetProperty("runs").EnumerateArray());
        Assert.Equal("skipped", skipped.GetProperty("status").GetString());
        Assert.StartsWith("No new activity since", skipped.GetProperty("failure").GetString());
        // once: done with; daily: tomorrow, same time of day.
        Assert.Equal(System.Text.Json.JsonValueKind.Null, idleRun.GetProperty("schedule").GetProperty("nextRunAt").ValueKind);
        var busyCard = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{busy.UserId}/audits");
        Assert.Equal(firstRunAt.AddDays(1), busyCard.GetProperty("schedule").GetProperty("nextRunAt").GetDateTime().ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        // Paused audits: the next due time is skipped with that reason, and the schedule moves on.
        await team.Owner.OkAsync(HttpMethod.Put, $"/api/v1/workspaces/{team.WorkspaceId}/audits/settings", new { judge = "person", paused = true });
        await busy.Client.PostAsync(team.GeneralId, "Another fix.");
        await first.ExecuteAsync("update audit_schedules set next_run_at = now() where agent_user_id = @a", new { a = busy.UserId });
        await first.EventuallyAsync("select count(*) from audit_runs where agent_user_id = @a and status = 'skipped'", new { a = busy.UserId }, 1L, TimeSpan.FromSeconds(10));
        Assert.Equal("Audits are paused in this workspace.",
            await first.ScalarAsync<string>("select failure from audit_runs where agent_user_id = @a and status = 'skipped'", new { a = busy.UserId }));
        Assert.True(await first.ScalarAsync<bool>("select next_run_at > now() + interval '23 hours' from audit_schedules where agent_user_id = @a", new { a = busy.UserId }));

        // Removing a schedule stops it.
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await team.Owner.SendAsync(HttpMethod.Delete, schedule(busy))).StatusCode);
        Assert.Equal(0L, await first.ScalarAsync<long>("select count(*) from audit_schedules where agent_user_id = @a", new { a = busy.UserId }));
    }
}
