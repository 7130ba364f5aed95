using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;
using ModelContextProtocol;

namespace AgentLink.Tests.Mcp;

/// <summary>
/// Every MCP tool, aimed at another workspace's ids, is refused with a stable code and changes nothing
/// there; a key acts only as its own agents; bad arguments are MCP errors (invalid params, with the
/// code in data) that write nothing.
/// </summary>
public sealed class McpIsolationTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private sealed record Other(Scenario.Team Team, TestAgent Agent, Guid MessageId, Guid TaskId, Guid DmId, Guid RunId);

    private async Task<Other> OtherWorkspaceAsync()
    {
        var team = await Scenario.TeamAsync(Stack, "Zed");
        var agent = await TestAgent.OnboardAsync(Stack, team, "zed-bot", "Zed Bot", connect: false);
        var message = (await team.Owner.PostMessageAsync(team.GeneralId, "zebra secret plans")).GetProperty("id").GetGuid();
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Zed's task", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dm, "zebra private note for the bot");
        await Stack.ExecuteAsync("""
            insert into agent_memories (id, workspace_id, agent_user_id, content, source, pinned)
            values (gen_random_uuid(), @workspaceId, @agentUserId, 'zebra memory of another workspace', 'conversation', true)
            """, new { workspaceId = team.WorkspaceId, agentUserId = agent.UserId });
        var run = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits", new { judge = "person", window = "24h" }))
            .GetProperty("id").GetGuid();
        return new Other(team, agent, message, task, dm, run);
    }

    /// <summary>
    /// What a workspace holds, to compare before and after. The pending outbox only for a workspace whose agent
    /// never connects: a connecting agent's presence changes it (its open tasks are sent again on its return).
    /// </summary>
    private Task<string> SnapshotAsync(Guid workspaceId, bool withOutbox = true) => Stack.ScalarAsync<string>("""
        select concat_ws('|',
          (select count(*) from channel_messages where workspace_id = @workspaceId),
          (select count(*) from message_reactions where workspace_id = @workspaceId),
          (select count(*) from channels where workspace_id = @workspaceId),
          (select string_agg(status || coalesce(result, ''), ',' order by id) from tasks where workspace_id = @workspaceId),
          (select count(*) from agent_memories where workspace_id = @workspaceId),
          (select string_agg(status, ',') from audit_runs where workspace_id = @workspaceId),
          case when @withOutbox then (select count(*) from agent_outbox where workspace_id = @workspaceId and delivered_at is null) end)
        """, new { workspaceId, withOutbox });

    [Fact]
    public async Task Every_tool_aimed_at_another_workspace_is_refused_or_sees_nothing_and_changes_nothing_there()
    {
        var other = await OtherWorkspaceAsync();
        var team = await Scenario.TeamAsync(Stack, "Ida");
        await using var mine = await TestAgent.OnboardAsync(Stack, team, "ida-bot", "Ida Bot", connect: false);
        await using var mcp = await McpAgent.ConnectAsync(Stack, mine.Registration.ApiKey);
        var before = await SnapshotAsync(other.Team.WorkspaceId);

        // One row per tool; the last assertion fails when a tool is added without one.
        var refusals = new Dictionary<string, (object Args, string Code)>
        {
            ["read_history"] = (new { channelId = other.Team.GeneralId }, "channel_not_found"),
            ["post_message"] = (new { channelId = other.Team.GeneralId, text = "intrusion" }, "channel_not_found"),
            ["react"] = (new { messageId = other.MessageId, emoji = "👀" }, "message_not_found"),
            ["open_dm"] = (new { memberId = other.Team.Owner.UserId }, "member_not_found"),
            ["get_task"] = (new { taskId = other.TaskId }, "task_not_found"),
            ["update_task"] = (new { taskId = other.TaskId, status = "done", result = "defaced" }, "task_not_found"),
            ["submit_audit_result"] = (new { runId = other.RunId, scores = new[] { new { criterion = "Accuracy", score = 0, reasoning = "defaced" } } }, "audit_not_found"),
        };
        foreach (var (tool, (args, code)) in refusals)
        {
            var refused = await mcp.RefusedAsync(tool, args);
            Assert.True(code == McpAgent.CodeOf(refused), $"{tool}: {McpAgent.CodeOf(refused)} ({refused.Message})");
            Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
        }

        // Tools that read: nothing of the other workspace shows.
        var reads = new Dictionary<string, Func<Task<string>>>
        {
            ["list_channels"] = async () => (await mcp.CallAsync("list_channels")).GetRawText(),
            ["list_members"] = async () => (await mcp.CallAsync("list_members")).GetRawText(),
            ["search_messages"] = async () => (await mcp.CallAsync("search_messages", new { query = "zebra" })).GetRawText(),
            ["list_tasks"] = async () => (await mcp.CallAsync("list_tasks", new { status = "todo" })).GetRawText(),
            ["search_memories"] = async () => (await mcp.CallAsync("search_memories", new { query = "zebra memory" })).GetRawText(),
            ["write_memory"] = async () => (await mcp.CallAsync("write_memory", new { content = "my own zebra note" })).GetProperty("workspaceId").GetGuid().ToString(),
            ["list_skills"] = async () => (await mcp.CallAsync("list_skills")).GetRawText(),
            ["read_inbox"] = async () => (await mcp.CallAsync("read_inbox", new { ack = long.MaxValue })).GetRawText(),
            ["ack_inbox"] = async () => (await mcp.CallAsync("ack_inbox", new { upTo = long.MaxValue })).GetRawText(),
        };
        var otherIds = new[] { other.Team.WorkspaceId, other.Team.GeneralId, other.MessageId, other.TaskId, other.DmId, other.Team.Owner.UserId, other.Agent.UserId }
            .Select(id => id.ToString()).ToList();
        foreach (var (tool, read) in reads)
        {
            var seen = await read();
            Assert.DoesNotContain("zebra secret", seen);
            Assert.DoesNotContain("zebra memory of another", seen);
            foreach (var id in otherIds) Assert.False(seen.Contains(id), $"{tool} showed {id}");
        }
        // The positive control: the same reads do see this workspace's own things.
        Assert.Contains(team.GeneralId.ToString(), (await mcp.CallAsync("list_channels")).GetRawText());
        Assert.Contains("my own zebra note", (await mcp.CallAsync("search_memories", new { query = "zebra" })).GetRawText());

        // Resources and prompts too.
        foreach (var uri in new[] { "agentlink://channels", "agentlink://memories/pinned", "agentlink://inbox" })
        {
            var text = string.Concat((await mcp.Client.ReadResourceAsync(uri)).Contents.OfType<ModelContextProtocol.Protocol.TextResourceContents>().Select(c => c.Text));
            foreach (var id in otherIds) Assert.DoesNotContain(id, text);
        }

        var tools = (await mcp.Client.ListToolsAsync()).Select(t => t.Name).Order().ToList();
        Assert.Equal(tools, refusals.Keys.Concat(reads.Keys).Order().ToList());
        Assert.Equal(before, await SnapshotAsync(other.Team.WorkspaceId));
    }

    [Fact]
    public async Task A_key_acts_only_as_its_own_agents_and_cannot_use_another_agents_session()
    {
        var team = await Scenario.TeamAsync(Stack, "Kai");
        await using var first = await TestAgent.OnboardAsync(Stack, team, "kai-one", "Kai One", connect: false);
        await using var second = await TestAgent.OnboardAsync(Stack, team, "kai-two", "Kai Two", connect: false);
        using var http = new HttpClient();
        var endpoint = McpAgent.Endpoint(Stack);

        async Task<(HttpStatusCode Status, string Body)> PostAsync(string? key, string? agentHeader, string? sessionId, object rpc)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new StringContent(JsonSerializer.Serialize(rpc), Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (agentHeader is not null) request.Headers.Add("X-AgentLink-Agent", agentHeader);
            if (sessionId is not null) request.Headers.Add("Mcp-Session-Id", sessionId);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var initialize = new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { protocolVersion = "2025-11-25", capabilities = new { }, clientInfo = new { name = "raw", version = "1" } } };
        var (noKey, noKeyBody) = await PostAsync(null, null, null, initialize);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey);
        Assert.Contains("\"code\":\"unauthenticated\"", noKeyBody);
        var (badKey, badKeyBody) = await PostAsync("alk_" + new string('x', 43), null, null, initialize);
        Assert.Equal(HttpStatusCode.Unauthorized, badKey);
        Assert.Contains("\"code\":\"invalid_api_key\"", badKeyBody);
        // The first key naming the second agent (of another registration) is refused.
        var (foreign, foreignBody) = await PostAsync(first.Registration.ApiKey, second.UserId.ToString(), null, initialize);
        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        Assert.Contains("\"code\":\"agent_not_found\"", foreignBody);

        // A key of two agents must say which one it acts as.
        await new AgentLink.Client.AgentLinkOnboarding(Stack.WebUrl).ConnectAsync(first.Registration.ApiKey, [("kai-one-b", "Kai One B")]);
        var (unnamed, unnamedBody) = await PostAsync(first.Registration.ApiKey, null, null, initialize);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed);
        Assert.Contains("\"code\":\"agent_required\"", unnamedBody);
        Assert.Contains("kai-one-b", unnamedBody);

        // The second agent's key on the first agent's session: refused, and nothing is posted.
        await using var mcp = await McpAgent.ConnectAsync(Stack, first.Registration.ApiKey, "kai-one");
        var sessionId = mcp.Client.SessionId!;
        var before = await Stack.ScalarAsync<long>("select count(*) from channel_messages where workspace_id = @w", new { w = team.WorkspaceId });
        var post = new { jsonrpc = "2.0", id = 2, method = "tools/call", @params = new { name = "post_message", arguments = new { channelId = team.GeneralId, text = "hijacked" } } };
        var (hijack, _) = await PostAsync(second.Registration.ApiKey, null, sessionId, post);
        Assert.False((int)hijack is >= 200 and < 300, $"the hijack got {hijack}");
        // The session's own agent still posts (the positive control), as itself.
        var posted = await mcp.CallAsync("post_message", new { channelId = team.GeneralId, text = "mine" });
        Assert.Equal(first.UserId, posted.GetProperty("author").GetProperty("id").GetGuid());
        Assert.Equal(before + 1, await Stack.ScalarAsync<long>("select count(*) from channel_messages where workspace_id = @w", new { w = team.WorkspaceId }));
    }

    [Fact]
    public async Task Bad_arguments_are_MCP_errors_with_codes_and_write_nothing()
    {
        var team = await Scenario.TeamAsync(Stack, "Bo");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "bo-bot", "Bo Bot", connect: false);
        var taskId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Bo's task", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        var messageId = (await team.Owner.PostMessageAsync(team.GeneralId, "react to me")).GetProperty("id").GetGuid();
        await using var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);
        var before = await SnapshotAsync(team.WorkspaceId, withOutbox: false);
        var inboundBefore = await Stack.ScalarAsync<long>("select count(*) from agent_inbound where agent_user_id = @id", new { id = agent.UserId });

        var cases = new (string Tool, object Args, string Code)[]
        {
            ("post_message", new { channelId = "not-a-uuid", text = "x" }, "validation_failed"),
            ("post_message", new { channelId = team.GeneralId, text = "   " }, "validation_failed"),
            ("post_message", new { channelId = team.GeneralId, text = new string('a', 4_001) }, "validation_failed"),
            ("post_message", new { channelId = team.GeneralId, text = new string('a', 40_001) }, "payload_too_large"),
            ("post_message", new { channelId = team.GeneralId, text = "nul \u0000 here" }, "invalid_text"),
            ("post_message", new { channelId = team.GeneralId, text = "x", parentId = Guid.NewGuid() }, "validation_failed"),
            ("post_message", new { channelId = team.GeneralId, text = "x", idempotencyKey = "again" }, "validation_failed"),
            ("read_history", new { channelId = team.GeneralId, limit = 0 }, "validation_failed"),
            ("react", new { messageId, emoji = "two words" }, "validation_failed"),
            ("react", new { messageId = "nope", emoji = "👍" }, "validation_failed"),
            ("update_task", new { taskId, status = "flying" }, "validation_failed"),
            ("update_task", new { taskId }, "validation_failed"),
            ("list_tasks", new { status = "flying" }, "validation_failed"),
            ("write_memory", new { content = "" }, "validation_failed"),
            ("write_memory", new { content = "ok", confidence = 2.0 }, "validation_failed"),
            ("search_memories", new { query = "" }, "validation_failed"),
            ("search_messages", new { query = new string('q', 201) }, "validation_failed"),
            ("open_dm", new { memberId = agent.UserId }, "cannot_dm_self"),
            ("read_inbox", new { limit = 500 }, "validation_failed"),
        };
        foreach (var (tool, args, code) in cases)
        {
            var refused = await mcp.RefusedAsync(tool, args);
            Assert.True(code == McpAgent.CodeOf(refused), $"{tool} {JsonSerializer.Serialize(args)[..Math.Min(80, JsonSerializer.Serialize(args).Length)]}: {McpAgent.CodeOf(refused)} ({refused.Message})");
            Assert.Equal(McpErrorCode.InvalidParams, refused.ErrorCode);
        }
        // A wrong JSON type, an unknown argument, a required one left out, and a tool that does not exist: protocol errors too.
        foreach (var (args, named) in new (object, string)[]
                 {
                     (new { channelId = 42, text = "x" }, "channelId"),
                     (new { channelId = team.GeneralId, text = new { nested = true } }, "text"),
                     (new { channelId = team.GeneralId, text = "x", chanelId = team.GeneralId }, "chanelId"),
                 })
        {
            var wrong = await mcp.RefusedAsync("post_message", args);
            Assert.Equal((McpErrorCode.InvalidParams, "validation_failed"), (wrong.ErrorCode, McpAgent.CodeOf(wrong)));
            Assert.Contains(named, wrong.Message);
        }
        var missing = await mcp.RefusedAsync("post_message", new { channelId = team.GeneralId });
        Assert.Equal((McpErrorCode.InvalidParams, "validation_failed"), (missing.ErrorCode, McpAgent.CodeOf(missing)));
        Assert.Contains("text", missing.Message);
        Assert.Equal(McpErrorCode.InvalidParams, (await mcp.RefusedAsync("drop_tables")).ErrorCode);

        Assert.Equal(before, await SnapshotAsync(team.WorkspaceId, withOutbox: false));
        Assert.Equal(inboundBefore, await Stack.ScalarAsync<long>("select count(*) from agent_inbound where agent_user_id = @id", new { id = agent.UserId }));

        // The same key twice posts once (the positive control that writes do work here).
        var key = Guid.NewGuid();
        var first = await mcp.CallAsync("post_message", new { channelId = team.GeneralId, text = "once", idempotencyKey = key });
        var again = await mcp.CallAsync("post_message", new { channelId = team.GeneralId, text = "once", idempotencyKey = key });
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await Stack.ScalarAsync<long>("select count(*) from channel_messages where channel_id = @c and text = 'once'", new { c = team.GeneralId }));
        Assert.NotEqual(Guid.Empty, first.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Malformed_requests_to_the_MCP_endpoint_are_refused_without_a_server_error()
    {
        var team = await Scenario.TeamAsync(Stack, "Fy");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "fy-bot", "Fy Bot", connect: false);
        await using var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);
        using var http = new HttpClient();
        var bodies = new[]
        {
            "", "not json", "[]", "[1,2]", "{}", "{\"jsonrpc\":\"2.0\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"post_message\",\"arguments\":[[{}]]}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"post_message\",\"arguments\":{\"channelId\":1e999,\"text\":{\"\\u0000\":true}}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":\"agentlink://../../etc/passwd\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"\\u0000\"}}",
            string.Concat(Enumerable.Repeat("[", 500)) + string.Concat(Enumerable.Repeat("]", 500)),
        };
        var before = await SnapshotAsync(team.WorkspaceId, withOutbox: false);
        foreach (var body in bodies)
            foreach (var session in new[] { null, mcp.Client.SessionId })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, McpAgent.Endpoint(Stack)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Accept.ParseAdd("application/json");
                request.Headers.Accept.ParseAdd("text/event-stream");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent.Registration.ApiKey);
                if (session is not null) request.Headers.Add("Mcp-Session-Id", session);
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True((int)response.StatusCode < 500, $"{body[..Math.Min(60, body.Length)]} -> {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
            }
        Assert.Equal(before, await SnapshotAsync(team.WorkspaceId, withOutbox: false));

        // And the session still works afterwards (the positive control).
        Assert.NotEqual(0, (await mcp.CallAsync("list_channels")).GetArrayLength());
    }
}
