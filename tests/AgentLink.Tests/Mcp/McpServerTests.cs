using System.Diagnostics;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;
using ModelContextProtocol;

namespace AgentLink.Tests.Mcp;

/// <summary>
/// The MCP server as an MCP client sees it: the official client library over real HTTP to the
/// bridge, the agent onboarded as any agent is (register, claim), people on the real API and SSE.
/// </summary>
public sealed class McpServerTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task An_MCP_client_initializes_lists_tools_posts_live_reads_a_DM_kept_while_away_updates_a_task_and_searches_memories()
    {
        var team = await Scenario.TeamAsync(Stack, "Mia");
        await using var onboarded = await TestAgent.OnboardAsync(Stack, team, "mcp-helper", "MCP Helper", connect: false);
        var key = onboarded.Registration.ApiKey;

        // A DM and a task sent while the agent has no connection at all.
        var dmId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = onboarded.UserId })).GetProperty("id").GetGuid();
        var dm = await team.Owner.PostMessageAsync(dmId, "While you were away: please check the release notes.");
        var task = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Summarise the release notes", assigneeId = onboarded.UserId });
        var taskId = task.GetProperty("id").GetGuid();

        await using var mcp = await McpAgent.ConnectAsync(Stack, key);
        Assert.Equal("AgentLink", mcp.Client.ServerInfo?.Name);
        var tools = (await mcp.Client.ListToolsAsync()).Select(t => t.Name).ToHashSet();
        foreach (var name in new[] { "list_channels", "read_history", "post_message", "react", "search_messages", "open_dm", "list_members",
                     "list_tasks", "get_task", "update_task", "write_memory", "search_memories", "list_skills", "read_inbox", "ack_inbox" })
            Assert.Contains(name, tools);

        // The DM and the task dispatch were kept for it.
        var inbox = await mcp.CallAsync("read_inbox");
        var deliveries = inbox.GetProperty("deliveries").EnumerateArray().ToList();
        var dmDelivery = deliveries.Single(d => d.GetProperty("envelope").GetProperty("type").GetString() == "message");
        Assert.Equal(dm.GetProperty("id").GetGuid(), dmDelivery.GetProperty("envelope").GetProperty("data").GetProperty("message").GetProperty("id").GetGuid());
        Assert.Contains(deliveries, d => d.GetProperty("envelope").GetProperty("type").GetString() == "task.assigned");
        var last = deliveries.Max(d => d.GetProperty("deliveryId").GetInt64());
        // Acknowledged, they are done: nothing comes again.
        var after = await mcp.CallAsync("read_inbox", new { ack = last });
        Assert.Empty(after.GetProperty("deliveries").EnumerateArray());
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from agent_outbox where agent_user_id = @id and delivered_at is null", new { id = onboarded.UserId }));

        // A post reaches a person's SSE stream within a second.
        await using var sse = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        var started = Stopwatch.GetTimestamp();
        var posted = await mcp.CallAsync("post_message", new { channelId = team.GeneralId, text = "Release notes summarised: three fixes, one feature." });
        var seen = await sse.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("id").GetGuid() == posted.GetProperty("id").GetGuid(),
            TimeSpan.FromSeconds(5));
        var latency = Stopwatch.GetElapsedTime(started, seen.ReceivedTimestamp);
        Assert.True(latency < TimeSpan.FromSeconds(1), $"took {latency.TotalMilliseconds} ms");
        Assert.Equal("MCP Helper", seen.Payload.GetProperty("author").GetProperty("name").GetString());

        // A reply in the DM's thread, then the task moved on.
        await mcp.CallAsync("post_message", new { channelId = dmId, text = "On it.", parentId = dm.GetProperty("id").GetGuid() });
        var updated = await mcp.CallAsync("update_task", new { taskId, status = "done", result = "Three fixes, one feature." });
        Assert.Equal("done", updated.GetProperty("status").GetString());
        var byPerson = (await team.Owner.GetOkAsync($"/api/v1/tasks/{taskId}")).GetProperty("task");
        Assert.Equal("done", byPerson.GetProperty("status").GetString());
        Assert.Equal("Three fixes, one feature.", byPerson.GetProperty("result").GetString());

        // Memories: written, then found by meaning.
        await mcp.CallAsync("write_memory", new { content = "Mia prefers release summaries as three bullet points.", topic = "preferences" });
        await mcp.CallAsync("write_memory", new { content = "The staging database restarts every Sunday night.", topic = "ops" });
        var hits = await mcp.CallAsync("search_memories", new { query = "how does Mia like summaries formatted?" });
        Assert.Contains("three bullet points", hits[0].GetProperty("memory").GetProperty("content").GetString());

        // History reads back what was said, oldest first.
        var history = await mcp.CallAsync("read_history", new { channelId = team.GeneralId });
        Assert.Contains(history.GetProperty("messages").EnumerateArray(), m => m.GetProperty("id").GetGuid() == posted.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_auditor_agent_over_MCP_gets_the_audit_request_in_its_inbox_and_its_answer_is_checked_like_any_other()
    {
        var team = await Scenario.TeamAsync(Stack, "Aud");
        await using var worker = await TestAgent.OnboardAsync(Stack, team, "worker", "Worker", connect: false);
        await using var auditor = await TestAgent.OnboardAsync(Stack, team, "mcp-auditor", "MCP Auditor", connect: false);
        await using var mcp = await McpAgent.ConnectAsync(Stack, auditor.Registration.ApiKey);
        await team.Owner.OkAsync(HttpMethod.Put, $"/api/v1/workspaces/{team.WorkspaceId}/audits/settings", new { judge = "agent", auditorAgentIds = new[] { auditor.UserId } });
        var runId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{worker.UserId}/audits", new { window = "24h" })).GetProperty("id").GetGuid();

        // The request arrives on the session, as any delivery does.
        System.Text.Json.Nodes.JsonObject request;
        do request = await TestAgent.NextAsync(mcp.Deliveries, timeout: TimeSpan.FromSeconds(10));
        while (request["envelope"]!["type"]!.GetValue<string>() != "audit.request");
        var data = request["envelope"]!["data"]!;
        Assert.Equal(runId, Guid.Parse(data["runId"]!.GetValue<string>()));
        var criteria = data["criteria"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();

        // A partial answer is refused and records nothing; a full one completes the run; a second is closed.
        var partial = await mcp.RefusedAsync("submit_audit_result", new { runId, scores = new[] { new { criterion = criteria[0], score = 80, reasoning = "only one" } } });
        Assert.Equal((McpErrorCode.InvalidParams, "validation_failed"), (partial.ErrorCode, McpAgent.CodeOf(partial)));
        Assert.Equal("running", (await team.Owner.GetOkAsync($"/api/v1/audits/{runId}")).GetProperty("status").GetString());
        var scores = criteria.Select(c => new { criterion = c, score = 80, reasoning = $"{c}: steady." }).ToArray();
        await mcp.CallAsync("submit_audit_result", new { runId, scores, notes = "Judged over MCP." });
        await mcp.CallAsync("ack_inbox", new { upTo = request["deliveryId"]!.GetValue<long>() });
        var done = await team.Owner.GetOkAsync($"/api/v1/audits/{runId}");
        Assert.Equal(("done", 80.0, "Judged over MCP."), (done.GetProperty("status").GetString(), done.GetProperty("overall").GetDouble(), done.GetProperty("notes").GetString()));
        var again = await mcp.RefusedAsync("submit_audit_result", new { runId, scores });
        Assert.Equal("audit_closed", McpAgent.CodeOf(again));
    }

    [Fact]
    public async Task An_agent_is_online_while_its_MCP_session_is_open_and_people_see_it_live()
    {
        var team = await Scenario.TeamAsync(Stack, "Pia");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "present", "Present", connect: false);
        await using var status = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        bool Presence(SseEvent e, string state) => e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == agent.UserId
                                                   && e.Payload.GetProperty("status").GetString() == state;

        var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);
        await status.NextAsync(e => Presence(e, "online"), TimeSpan.FromSeconds(10));
        Assert.Equal("online", await Stack.ScalarAsync<string>("select status from remote_agents where user_id = @id", new { id = agent.UserId }));
        // Closing the client ends the session (DELETE): offline, since the agent is not on MQTT either.
        await mcp.DisposeAsync();
        await status.NextAsync(e => Presence(e, "offline"), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task What_was_kept_while_away_is_pushed_as_soon_as_the_session_listens_without_asking()
    {
        var team = await Scenario.TeamAsync(Stack, "Lou");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "returning", "Returning", connect: false);
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        var kept = (await team.Owner.PostMessageAsync(dm, "sent while you were away")).GetProperty("id").GetGuid();

        // No read_inbox: the notification stream opening is enough (well before the 60 s an unacknowledged offer waits).
        await using var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);
        var pushed = await TestAgent.NextAsync(mcp.Deliveries, d => d["envelope"]!["type"]!.GetValue<string>() == "message", TimeSpan.FromSeconds(10));
        Assert.Equal(kept, Guid.Parse(pushed["envelope"]!["data"]!["message"]!["id"]!.GetValue<string>()));
        // Then live, as it happens.
        var live = (await team.Owner.PostMessageAsync(dm, "and this one now")).GetProperty("id").GetGuid();
        var next = await TestAgent.NextAsync(mcp.Deliveries, d => d["envelope"]!["data"]?["message"]?["id"]?.GetValue<string>() == live.ToString(), TimeSpan.FromSeconds(10));
        await mcp.CallAsync("ack_inbox", new { upTo = next["deliveryId"]!.GetValue<long>() });
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from agent_outbox where agent_user_id = @id and delivered_at is null", new { id = agent.UserId }));
    }
}
