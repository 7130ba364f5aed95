using System.Text.Json;
using System.Text.Json.Nodes;
using AgentLink.Client;
using AgentLink.DemoAgent;
using AgentLink.Tests.Infrastructure;
using ModelContextProtocol.Protocol;

namespace AgentLink.Tests.Mcp;

/// <summary>
/// What the demo agent does over MQTT, done over MCP with the same brain (DemoBrain): answer DMs,
/// remember and recall, work a task, list its skills; plus what MCP adds: skills as prompts and a
/// subscribed resource that says when it changed.
/// </summary>
public sealed class McpDemoAgentTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private const string Skill = "---\nname: standup\ndescription: Posts a short standup.\n---\n# Standup\nSay what you did, what you will do, and what blocks you.\n";

    /// <summary>The demo agent's loop, on MCP deliveries instead of MQTT envelopes; acknowledges each one it handled.</summary>
    private sealed class McpDemoLoop(McpAgent mcp, DemoBrain brain)
    {
        private readonly Dictionary<Guid, string> _skills = [];

        public async Task RunAsync(CancellationToken ct)
        {
            brain.Skills = () => _skills.Values.Order().ToList();
            foreach (var d in (await mcp.CallAsync("read_inbox")).GetProperty("deliveries").EnumerateArray())
                await HandleAsync(JsonNode.Parse(d.GetRawText())!.AsObject(), ct);
            await foreach (var delivery in mcp.Deliveries.Reader.ReadAllAsync(ct)) await HandleAsync(delivery, ct);
        }

        private async Task HandleAsync(JsonObject delivery, CancellationToken ct)
        {
            var envelope = delivery["envelope"].Deserialize<InboxEnvelope>(JsonSerializerOptions.Web)!;
            if (envelope.Message is { } message)
            {
                var answer = DemoBrain.MemoryRequest(message.Text) switch
                {
                    ("remember", var fact) => await RememberAsync(fact),
                    ("recall", var question) => await RecallAsync(question),
                    _ => brain.Answer(message),
                };
                await mcp.CallAsync("post_message", new { channelId = message.ChannelId, text = answer, idempotencyKey = envelope.Id });
            }
            else if (envelope.Type == "task.assigned" && envelope.Task is { } task && DemoBrain.Plan(envelope.Reason, task, DateTime.UtcNow) == TaskPlan.Work)
            {
                await mcp.CallAsync("update_task", new { taskId = task.Id, status = "in_progress", comment = "Picked it up." });
                var (status, result) = brain.Work(task.Title, task.Description);
                await mcp.CallAsync("update_task", new { taskId = task.Id, status, result });
                if (task.ChannelId is { } channel) await mcp.CallAsync("post_message", new { channelId = channel, text = $"{task.Key} is {status}: {result}" });
                await mcp.CallAsync("write_memory", new { content = $"I worked on {task.Key} \"{task.Title}\" and set it {status}.", topic = "tasks", confidence = 0.8 });
            }
            else if (envelope.Type == "skill.assigned")
                _skills[envelope.Data.GetProperty("skillId").GetGuid()] = envelope.Data.GetProperty("name").GetString()!;
            // Handled: acknowledged, so it is not offered again (a skill.assigned acknowledged counts as its skill.ack).
            await mcp.CallAsync("ack_inbox", new { upTo = delivery["deliveryId"]!.GetValue<long>() });
        }

        private async Task<string> RememberAsync(string fact)
        {
            await mcp.CallAsync("write_memory", new { content = fact, topic = "taught", confidence = 0.9 });
            return "Noted, I'll remember that.";
        }

        private async Task<string> RecallAsync(string question)
        {
            var hits = await mcp.CallAsync("search_memories", new { query = question });
            return hits.GetArrayLength() == 0 ? "I don't remember anything about that." : $"I remember: {hits[0].GetProperty("memory").GetProperty("content").GetString()}";
        }
    }

    [Fact]
    public async Task The_demo_agent_over_MCP_answers_remembers_recalls_works_a_task_and_has_its_skills_as_prompts()
    {
        var team = await Scenario.TeamAsync(Stack, "Ola");
        await using var onboarded = await TestAgent.OnboardAsync(Stack, team, "demo-mcp", "Demo Over MCP", connect: false);
        await using var mcp = await McpAgent.ConnectAsync(Stack, onboarded.Registration.ApiKey);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => new McpDemoLoop(mcp, new DemoBrain("Demo Over MCP")).RunAsync(stop.Token));
        await using var sse = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = onboarded.UserId })).GetProperty("id").GetGuid();

        async Task<string> AskAsync(string text)
        {
            await team.Owner.PostMessageAsync(dm, text);
            var reply = await sse.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("channelId").GetGuid() == dm
                                                 && e.Payload.GetProperty("author").GetProperty("id").GetGuid() == onboarded.UserId, TimeSpan.FromSeconds(10));
            return reply.Payload.GetProperty("text").GetString()!;
        }

        Assert.Contains("I'm Demo Over MCP", await AskAsync("help"));
        Assert.Equal("pong", await AskAsync("ping"));
        Assert.Equal("Noted, I'll remember that.", await AskAsync("remember the deploy window is Tuesday at ten"));
        Assert.Equal("I remember: the deploy window is Tuesday at ten", await AskAsync("recall when can we deploy?"));

        // A task: worked and handed back, as the demo agent does.
        var taskId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title = "Tidy the changelog", assigneeId = onboarded.UserId, channelId = team.GeneralId })).GetProperty("id").GetGuid();
        var done = await sse.NextAsync(e => e.Type == "task.updated" && e.Payload.GetProperty("id").GetGuid() == taskId
                                            && e.Payload.GetProperty("status").GetString() == "done", TimeSpan.FromSeconds(10));
        Assert.Contains("Demo Over MCP read the task", done.Payload.GetProperty("result").GetString());

        // A skill: delivered (acknowledged over MCP), a prompt with its SKILL.md, and in the agent's answer.
        await mcp.Client.ListPromptsAsync();
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill })).GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = onboarded.UserId });
        Assert.Equal("delivered", await Stack.EventuallyAsync("select status from skill_assignments where skill_id = @skillId", new { skillId }, "delivered", TimeSpan.FromSeconds(10)));
        var prompts = await mcp.Client.ListPromptsAsync();
        Assert.Equal(["standup"], prompts.Select(p => p.Name));
        var prompt = await mcp.Client.GetPromptAsync("standup");
        Assert.Contains("what blocks you", ((TextContentBlock)prompt.Messages.Single().Content).Text);
        Assert.Equal("I have 1 skill: standup.", await AskAsync("skills"));

        // Pinned memories as a subscribed resource: a person pins one, the session hears it changed.
        await mcp.Client.SubscribeToResourceAsync("agentlink://memories/pinned");
        var memories = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{onboarded.UserId}/memories");
        var taught = memories.GetProperty("memories").EnumerateArray().First(m => m.GetProperty("topic").GetString() == "taught").GetProperty("id").GetGuid();
        await team.Owner.SendAsync(HttpMethod.Patch, $"/api/v1/memories/{taught}", new { pinned = true });
        Assert.Equal("agentlink://memories/pinned", await TestAgent.NextAsync(mcp.ResourceUpdates, timeout: TimeSpan.FromSeconds(10)));
        var pinned = await mcp.Client.ReadResourceAsync("agentlink://memories/pinned");
        Assert.Contains("deploy window", ((TextResourceContents)pinned.Contents.Single()).Text);

        // Its channels too: added to a new channel, the session hears agentlink://channels changed, and reads it there.
        await mcp.Client.SubscribeToResourceAsync("agentlink://channels");
        var releases = await team.Owner.CreateChannelAsync(team.WorkspaceId, "releases");
        await team.Owner.PostOkAsync($"/api/v1/channels/{releases}/members", new { userId = onboarded.UserId });
        Assert.Equal("agentlink://channels", await TestAgent.NextAsync(mcp.ResourceUpdates, u => u == "agentlink://channels", TimeSpan.FromSeconds(10)));
        var channels = await mcp.Client.ReadResourceAsync("agentlink://channels");
        Assert.Contains(releases.ToString(), ((TextResourceContents)channels.Contents.Single()).Text);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }
}
