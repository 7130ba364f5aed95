using System.Collections.Concurrent;
using AgentLink.Core.Events;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Functions;

/// <summary>Two standalone functions hosts on one database: each timer tick runs on one of them, never both.</summary>
public sealed class TimerOnceTests
{
    [Fact]
    public async Task Two_standalone_instances_against_one_database_run_each_tick_once()
    {
        var database = await TestEnvironment.CreateIsolatedDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = database,
            ["AgentLink:Timers:OutboxSweep"] = "* * * * * *",
        };
        await using var first = await AppStack.StartAsync(BusMode.Redis, settings);
        // The second instance: the same database and Redis prefix, its own process state.
        await using var second = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>(settings)
        {
            ["AgentLink:Bus:ChannelPrefix"] = first.Settings["AgentLink:Bus:ChannelPrefix"],
        });

        // A channel stream with a pending row: every tick of the sweep signals it once.
        var team = await Scenario.TeamAsync(first);
        await first.ExecuteAsync("""
            insert into agent_outbox (message_id, workspace_id, target, channel_id, stream_id, payload)
            values (gen_random_uuid(), @w, 'channel', @c, @c, '{}')
            """, new { w = team.WorkspaceId, c = team.GeneralId });
        var signals = new ConcurrentQueue<DateTime>();
        var bus = first.ApiServices.GetRequiredService<IEventBus>();
        await using var listening = await bus.SubscribeAsync(BusTopics.AgentOutbox, message =>
        {
            if (message.Contains(team.GeneralId.ToString())) signals.Enqueue(DateTime.UtcNow);
            return Task.CompletedTask;
        });

        var since = DateTime.UtcNow;
        await first.EventuallyAsync("select count(*) >= 5 from timer_runs where function_name = 'SweepAgentOutbox' and outcome is not null and due_at > @since",
            new { since }, true, TimeSpan.FromSeconds(15));
        var until = DateTime.UtcNow;
        await Task.Delay(300); // the last tick's signal is in flight

        var ticks = await first.ScalarAsync<long>(
            "select count(*) from timer_runs where function_name = 'SweepAgentOutbox' and outcome = 'succeeded' and due_at > @since and due_at <= @until",
            new { since, until });
        var signalled = signals.Count(s => s > since && s <= until.AddMilliseconds(300));
        Assert.True(ticks >= 5, $"{ticks} ticks");
        // Each tick signalled once: twice as many signals would mean both instances ran it.
        Assert.InRange(signalled, ticks - 1, ticks + 1);
    }
}
