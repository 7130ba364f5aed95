using AgentLink.Client;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Tasks;

/// <summary>The demo agent, as its own process, takes tasks: it says so in the task's channel, works, and hands back a result.</summary>
public sealed class DemoAgentTaskTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task The_demo_agent_works_a_task_posts_progress_in_its_channel_and_sets_done_or_pending_review()
    {
        var team = await Scenario.TeamAsync(Stack, "Demo");
        var onboarding = new AgentLinkOnboarding(Stack.WebUrl);
        var registration = await onboarding.RegisterAsync("Demo Agent", "demo");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        await using var process = await AgentProcess.StartAsync(Stack.WebUrl, registration.ApiKey, "demo", "Demo Agent", keepAliveSeconds: 5);
        var agentUserId = Guid.Empty;
        for (var i = 0; i < 100 && agentUserId == Guid.Empty; i++)
        {
            var agents = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents");
            var demo = agents.EnumerateArray().FirstOrDefault(a => a.GetProperty("agentId").GetString() == "demo" && a.GetProperty("online").GetBoolean());
            if (demo.ValueKind != System.Text.Json.JsonValueKind.Undefined) agentUserId = demo.GetProperty("userId").GetGuid();
            else await Task.Delay(200);
        }
        Assert.NotEqual(Guid.Empty, agentUserId);

        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");
        var plain = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title = "Collect the release notes", assigneeId = agentUserId, channelId = team.GeneralId })).GetProperty("id").GetGuid();
        var reviewed = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title = "Draft the pricing page", description = "A person must review it.", assigneeId = agentUserId, channelId = team.GeneralId })).GetProperty("id").GetGuid();

        var finished = new Dictionary<Guid, string>();
        var posts = new List<string>();
        while (finished.Count < 2 || posts.Count < 4)
        {
            var e = await stream.NextAsync(x => x.Type is "task.updated" or "message.created", TimeSpan.FromSeconds(20));
            if (e.Type == "message.created") { posts.Add(e.Payload.GetProperty("text").GetString()!); continue; }
            var status = e.Payload.GetProperty("status").GetString()!;
            if (status is "done" or "pending_review") finished[e.Payload.GetProperty("id").GetGuid()] = status;
        }
        Assert.Equal("done", finished[plain]);
        Assert.Equal("pending_review", finished[reviewed]);
        Assert.Contains(posts, p => p.StartsWith("Working on DEM-1: Collect the release notes", StringComparison.Ordinal));
        Assert.Contains(posts, p => p.StartsWith("DEM-2 needs a review", StringComparison.Ordinal));
        var details = await team.Owner.GetOkAsync($"/api/v1/tasks/{reviewed}");
        Assert.Contains("a person decides", details.GetProperty("task").GetProperty("result").GetString());
        Assert.Equal("Picked it up.", details.GetProperty("comments")[0].GetProperty("text").GetString());

        // A skill: the demo agent acknowledges it (delivered) and says which it has when asked.
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills",
            new { content = "---\nname: changelog-writer\ndescription: Writes changelogs.\n---\nWrite the changelog.\n" })).GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId });
        await Stack.EventuallyAsync("select status from skill_assignments where skill_id = @skillId", new { skillId }, "delivered", TimeSpan.FromSeconds(15));
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agentUserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dm, "skills");
        var answer = await stream.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("channelId").GetGuid() == dm
            && e.Payload.GetProperty("author").GetProperty("id").GetGuid() == agentUserId, TimeSpan.FromSeconds(15));
        Assert.Equal("I have 1 skill: changelog-writer.", answer.Payload.GetProperty("text").GetString());
    }
}
