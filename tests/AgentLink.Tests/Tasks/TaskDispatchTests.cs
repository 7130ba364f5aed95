using System.Text.Json;
using AgentLink.Client;
using AgentLink.Core.Options;
using AgentLink.Functions.Tasks;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Tasks;

/// <summary>A stack whose deadline timer never fires by itself: the tests run the passes, several at once.</summary>
public sealed class ManualDeadlinesFixture() : BridgeStackFixture(BrokerMode.Embedded, new Dictionary<string, string?>
{
    ["AgentLink:Timers:TaskDeadlines"] = "0 0 0 1 1 *",
    ["AgentLink:Tasks:ReminderMinutes"] = "60",
});

public sealed class TaskDispatchTests(ManualDeadlinesFixture fixture) : IClassFixture<ManualDeadlinesFixture>
{
    private AppStack Stack => fixture.Stack;

    private static (string Type, Guid Task) Key(InboxEnvelope e) => (e.Type, e.Data.GetProperty("task").GetProperty("id").GetGuid());

    [Fact]
    public async Task Each_agent_gets_each_dispatch_once_while_several_instances_race_over_200_tasks()
    {
        var team = await Scenario.TeamAsync(Stack, "Dispatch");
        await using var one = await TestAgent.OnboardAsync(Stack, team, "worker-one", "Worker One");
        await using var two = await TestAgent.OnboardAsync(Stack, team, "worker-two", "Worker Two");
        var now = DateTime.UtcNow;
        var expected = new HashSet<(string, Guid)>();
        for (var i = 0; i < 200; i++)
        {
            var agent = i % 2 == 0 ? one : two;
            // A third overdue, a third due within the reminder window, a third without a due time.
            DateTime? due = (i % 3) switch { 0 => now.AddMinutes(-5), 1 => now.AddMinutes(30), _ => null };
            var task = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
                new { title = $"job {i}", assigneeId = agent.UserId, channelId = team.GeneralId, dueAt = due });
            var id = task.GetProperty("id").GetGuid();
            expected.Add(("task.assigned", id));
            if (i % 3 == 0) expected.Add(("task.due", id));
            if (i % 3 == 1) expected.Add(("task.reminder", id));
        }

        // Four instances' timers tick at once, twice over.
        var timers = Enumerable.Range(0, 4).Select(_ => ActivatorUtilities.CreateInstance<DispatchTaskDeadlines>(Stack.ApiServices)).ToList();
        var sent = (await Task.WhenAll(timers.Select(t => t.RunOnceAsync(CancellationToken.None)))).Sum();
        sent += (await Task.WhenAll(timers.Select(t => t.RunOnceAsync(CancellationToken.None)))).Sum();
        Assert.Equal(expected.Count - 200, sent);

        // Positive control: a task assigned afterwards arrives after everything before it (the outbox keeps each agent's order).
        var received = new List<(string, Guid)>();
        foreach (var agent in new[] { one, two })
        {
            var marker = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "marker", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
            var got = await TestAgent.UntilAsync(agent.Tasks, e => Key(e) == ("task.assigned", marker), TimeSpan.FromSeconds(30));
            received.AddRange(got.Select(Key).Where(k => k.Item2 != marker));
            Assert.All(got, e => Assert.Equal(agent.UserId == one.UserId ? "Worker One" : "Worker Two",
                e.Data.GetProperty("task").GetProperty("assignee").GetProperty("name").GetString()));
        }
        Assert.Equal(received.Count, received.Distinct().Count());
        Assert.Equal(expected.OrderBy(k => k).ToList(), received.OrderBy(k => k).ToList());
        var sample = received.First(k => k.Item1 == "task.due");
        Assert.Contains(sample, expected);
    }

    [Fact]
    public async Task An_agent_updates_its_own_task_with_its_key_and_is_refused_for_anyone_elses()
    {
        var team = await Scenario.TeamAsync(Stack, "Agents");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "doer", "Doer");
        await using var other = await TestAgent.OnboardAsync(Stack, team, "bystander", "Bystander");
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Summarize the week", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        var assigned = await TestAgent.NextAsync(agent.Tasks, e => Key(e) == ("task.assigned", task));
        Assert.Equal("Summarize the week", assigned.Data.GetProperty("task").GetProperty("title").GetString());

        var key = new ApiClient(new HttpClient { BaseAddress = new Uri(Stack.WebUrl) });
        key.Http.DefaultRequestHeaders.Authorization = new("Bearer", agent.Registration.ApiKey);
        var working = await key.OkAsync(HttpMethod.Patch, $"/api/v1/agents/doer/tasks/{task}", new { status = "in_progress", comment = "On it" });
        Assert.Equal("in_progress", working.GetProperty("status").GetString());
        var blocked = await key.OkAsync(HttpMethod.Patch, $"/api/v1/agents/doer/tasks/{task}", new { status = "pending_review", result = "Draft ready; need the Q3 numbers" });
        Assert.Equal("Draft ready; need the Q3 numbers", blocked.GetProperty("result").GetString());
        var details = await team.Owner.GetOkAsync($"/api/v1/tasks/{task}");
        Assert.Equal("On it", details.GetProperty("comments")[0].GetProperty("text").GetString());
        Assert.Equal("Doer", details.GetProperty("comments")[0].GetProperty("authorName").GetString());

        var otherKey = new ApiClient(new HttpClient { BaseAddress = new Uri(Stack.WebUrl) });
        otherKey.Http.DefaultRequestHeaders.Authorization = new("Bearer", other.Registration.ApiKey);
        var (status, problem) = await otherKey.TryAsync(HttpMethod.Patch, $"/api/v1/agents/bystander/tasks/{task}", new { status = "done" });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, status);
        Assert.Equal("not_assignee", problem.GetProperty("code").GetString());
        (status, problem) = await otherKey.TryAsync(HttpMethod.Patch, $"/api/v1/agents/doer/tasks/{task}", new { status = "done" });
        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
        Assert.Equal("agent_not_found", problem.GetProperty("code").GetString());
        Assert.Equal("pending_review", (await team.Owner.GetOkAsync($"/api/v1/tasks/{task}")).GetProperty("task").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_agent_back_from_offline_gets_its_open_tasks_again_once()
    {
        var team = await Scenario.TeamAsync(Stack, "Returning");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "returner", "Returner");
        Guid Create(string title) => team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title, assigneeId = agent.UserId }).Result.GetProperty("id").GetGuid();
        var open = Create("still open");
        var finished = Create("finished");
        await TestAgent.UntilAsync(agent.Tasks, e => Key(e).Task == finished);
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{finished}", new { status = "done" });

        await agent.Client.DisconnectAsync();
        await Stack.EventuallyAsync("select status from remote_agents where user_id = @id", new { id = agent.UserId }, "offline");
        var client = agent.NewClient();
        await client.ConnectAsync();
        var marker = Create("after the return");
        var got = await TestAgent.UntilAsync(agent.Tasks, e => Key(e) == ("task.assigned", marker), TimeSpan.FromSeconds(15));
        var resent = got.Where(e => e.Type == "task.open").ToList();
        var again = Assert.Single(resent);
        Assert.Equal(open, Key(again).Task);
        Assert.Equal("reconnected", again.Reason);
        Assert.False(again.Data.GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task An_agent_offline_at_assignment_gets_its_tasks_in_order_when_it_is_back_and_a_person_gets_a_notification()
    {
        var team = await Scenario.TeamAsync(Stack, "Offline");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "sleeper", "Sleeper");
        await agent.Client.DisconnectAsync();

        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add((await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = $"while away {i}", assigneeId = agent.UserId })).GetProperty("id").GetGuid());
        var client = agent.NewClient();
        await client.ConnectAsync();
        var got = await TestAgent.UntilAsync(agent.Tasks, e => Key(e).Task == ids[^1], TimeSpan.FromSeconds(15));
        Assert.Equal(ids, got.Select(e => Key(e).Task));
        Assert.All(got, e => Assert.Equal("task.assigned", e.Type));

        await using var bobs = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await using var owners = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await bobs.NextAsync("ready");
        await owners.NextAsync("ready");
        var forBob = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "for a person", assigneeId = bob.UserId })).GetProperty("id").GetGuid();
        var note = await bobs.NextAsync("task.notification");
        Assert.Equal("assigned", note.Payload.GetProperty("reason").GetString());
        Assert.Equal(forBob, note.Payload.GetProperty("task").GetProperty("id").GetGuid());
        // The owner's stream never carries Bob's notification: a message posted after it arrives first.
        await team.Owner.PostMessageAsync(team.GeneralId, "marker after the notification");
        var seen = new List<string>();
        SseEvent e;
        while ((e = await owners.NextAsync(_ => true)).Type != "message.created") seen.Add(e.Type);
        Assert.DoesNotContain("task.notification", seen);
    }
}

/// <summary>task.update over MQTT, through both brokers: acknowledged after the commit, once per envelope id, only for the agent's own tasks.</summary>
public abstract class TaskUpdateOverMqttTests(BridgeStackFixture fixture)
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task An_agent_updates_its_task_over_MQTT_once_per_id_and_is_refused_for_anyone_elses()
    {
        var team = await Scenario.TeamAsync(Stack, "Mqtt");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "mqtt-doer", "Mqtt Doer");
        await using var other = await TestAgent.OnboardAsync(Stack, team, "mqtt-other", "Mqtt Other");
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Over MQTT", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        await agent.Client.UpdateTaskAsync(task, status: "in_progress", comment: "Starting");
        Assert.Equal("in_progress", (await stream.NextAsync("task.updated")).Payload.GetProperty("status").GetString());

        // The same envelope twice (a resend after a lost PUBACK) is written once.
        var id = Guid.NewGuid();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id, type = "task.update", data = new { taskId = task, comment = "Halfway" } });
        await agent.Client.PublishRawAsync(payload);
        await agent.Client.PublishRawAsync(payload);
        await agent.Client.UpdateTaskAsync(task, status: "done", result: "Finished over MQTT");
        // With an external broker the PUBACK comes from the broker, before the bridge's commit.
        await Stack.EventuallyAsync("select status from tasks where id = @task", new { task }, "done");
        var details = await team.Owner.GetOkAsync($"/api/v1/tasks/{task}");
        Assert.Equal("done", details.GetProperty("task").GetProperty("status").GetString());
        Assert.Equal("Finished over MQTT", details.GetProperty("task").GetProperty("result").GetString());
        Assert.Equal(["Starting", "Halfway"], details.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("text").GetString()));

        // Someone else's task, and bad data: refused with a code, nothing written.
        var refusedId = Guid.NewGuid();
        await other.Client.PublishRawAsync(JsonSerializer.SerializeToUtf8Bytes(new { id = refusedId, type = "task.update", data = new { taskId = task, status = "cancelled" } }));
        var error = await TestAgent.NextAsync(other.Errors, e => e.RefId == refusedId);
        Assert.Equal("not_assignee", error.Code);
        var badId = Guid.NewGuid();
        await agent.Client.PublishRawAsync(JsonSerializer.SerializeToUtf8Bytes(new { id = badId, type = "task.update", data = new { taskId = task, status = "finished" } }));
        Assert.Equal("validation_failed", (await TestAgent.NextAsync(agent.Errors, e => e.RefId == badId)).Code);
        Assert.Equal("done", (await team.Owner.GetOkAsync($"/api/v1/tasks/{task}")).GetProperty("task").GetProperty("status").GetString());
    }
}

public sealed class TaskUpdateOverEmbeddedBrokerTests(EmbeddedBrokerFixture fixture) : TaskUpdateOverMqttTests(fixture), IClassFixture<EmbeddedBrokerFixture>;

public sealed class TaskUpdateOverMosquittoTests(MosquittoFixture fixture) : TaskUpdateOverMqttTests(fixture), IClassFixture<MosquittoFixture>;
