using AgentLink.Client;
using AgentLink.Core.Options;
using AgentLink.Functions.Tasks;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Tasks;

/// <summary>
/// Two whole instances (functions host, web host and MQTT bridge each) on one database, one Redis
/// and Mosquitto, the way a scaled-out install runs: tasks assigned through both at once and coming
/// due together reach each agent once per reason.
/// </summary>
public sealed class MultiInstanceDispatchTests
{
    private static (string Type, Guid Task) Key(InboxEnvelope e) => (e.Type, e.Data.GetProperty("task").GetProperty("id").GetGuid());

    [Fact]
    public async Task Two_instances_and_their_bridges_send_each_assignment_and_due_notice_of_200_tasks_once()
    {
        var settings = new Dictionary<string, string?>
        {
            // Every second on both instances; reminders off, so each task owes exactly assigned + due.
            ["AgentLink:Timers:TaskDeadlines"] = "* * * * * *",
            ["AgentLink:Tasks:ReminderMinutes"] = "0",
            ["AgentLink:Mqtt:SharedSubscriptionGroup"] = "bridges",
        };
        await using var first = await AppStack.StartAsync(BusMode.Redis, settings, broker: BrokerMode.External);
        // The second instance shares the first's database, bus, topic root and secrets; its bridge has its own client id.
        var shared = first.Settings.Where(s => s.Key is not ("AgentLink:Mqtt:BridgeClientId" or "AgentLink:Web:FunctionsUrl"))
            .ToDictionary(s => s.Key, s => s.Value);
        await using var second = await AppStack.StartAsync(BusMode.Redis, shared, broker: BrokerMode.External);
        Assert.Equal(first.Database, second.Database);

        var team = await Scenario.TeamAsync(first, "Scaled");
        var viaSecond = second.Client();
        viaSecond.Http.DefaultRequestHeaders.Authorization = team.Owner.Http.DefaultRequestHeaders.Authorization;
        await using var one = await TestAgent.OnboardAsync(first, team, "worker-one", "Worker One");
        await using var two = await TestAgent.OnboardAsync(first, team, "worker-two", "Worker Two");

        // 200 tasks through both instances at once, all due at the same moment a few seconds on.
        var due = DateTime.UtcNow.AddSeconds(5);
        var created = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var agent = i % 2 == 0 ? one : two;
            var caller = i % 4 < 2 ? team.Owner : viaSecond;
            var task = await caller.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
                new { title = $"job {i}", assigneeId = agent.UserId, channelId = team.GeneralId, dueAt = due });
            return (Agent: agent.UserId, Id: task.GetProperty("id").GetGuid());
        }));

        // Besides both hosts' own ticks, passes on both instances overlap on purpose (a tick's claim would otherwise keep them apart).
        var timers = new[] { first, second, first, second }.Select(s => ActivatorUtilities.CreateInstance<DispatchTaskDeadlines>(s.ApiServices)).ToList();
        while (DateTime.UtcNow < due.AddSeconds(1)) await Task.Delay(100);
        await Task.WhenAll(timers.Select(t => t.RunOnceAsync(CancellationToken.None)));
        await first.EventuallyAsync("select count(*) from task_dispatches where reason = 'due'", null, 200L, TimeSpan.FromSeconds(30));

        // A task assigned now comes after everything before it: what arrived up to it is all there is.
        foreach (var agent in new[] { one, two })
        {
            var marker = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "marker", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
            var got = await TestAgent.UntilAsync(agent.Tasks, e => Key(e) == ("task.assigned", marker), TimeSpan.FromSeconds(60));
            var received = got.Select(Key).Where(k => k.Task != marker).ToList();
            var expected = created.Where(c => c.Agent == agent.UserId).SelectMany(c => new[] { ("task.assigned", c.Id), ("task.due", c.Id) }).ToList();
            Assert.Equal(received.Count, received.Distinct().Count());
            Assert.Equal(expected.OrderBy(k => k).ToList(), received.OrderBy(k => k).ToList());
        }
    }
}
