using System.Net;
using AgentLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Isolation;

/// <summary>
/// A user of another workspace gets 404 (never 403, which would confirm the id
/// exists) for every route that takes a workspace, channel, message or member id,
/// and nothing changes.
/// </summary>
public sealed class CrossWorkspaceIsolationTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private sealed record Probe(string Method, string Template, object? Body = null);

    // One row per route with an id. The last test fails when a route is added without a row here.
    private static readonly Probe[] Probes =
    [
        new("GET", "/api/v1/workspaces/{workspaceId}"),
        new("GET", "/api/v1/workspaces/{workspaceId}/members"),
        new("PATCH", "/api/v1/workspaces/{workspaceId}/members/{userId}", new { role = "viewer" }),
        new("DELETE", "/api/v1/workspaces/{workspaceId}/members/{userId}"),
        new("POST", "/api/v1/workspaces/{workspaceId}/invites", new { role = "member" }),
        new("GET", "/api/v1/workspaces/{workspaceId}/channels"),
        new("POST", "/api/v1/workspaces/{workspaceId}/channels", new { name = "intruders" }),
        new("POST", "/api/v1/workspaces/{workspaceId}/dms", new { userId = "{userId}" }),
        new("GET", "/api/v1/workspaces/{workspaceId}/search?q=secret"),
        new("GET", "/api/v1/workspaces/{workspaceId}/threads"),
        new("GET", "/api/v1/workspaces/{workspaceId}/agents"),
        new("GET", "/api/v1/channels/{channelId}"),
        new("PATCH", "/api/v1/channels/{channelId}", new { name = "defaced", topic = "defaced" }),
        new("POST", "/api/v1/channels/{channelId}/join"),
        new("POST", "/api/v1/channels/{channelId}/leave"),
        new("POST", "/api/v1/channels/{channelId}/archive"),
        new("GET", "/api/v1/channels/{channelId}/members"),
        new("POST", "/api/v1/channels/{channelId}/members", new { userId = "{userId}" }),
        new("GET", "/api/v1/channels/{channelId}/messages"),
        new("POST", "/api/v1/channels/{channelId}/messages", new { text = "intrusion" }),
        new("POST", "/api/v1/channels/{channelId}/read"),
        new("POST", "/api/v1/channels/{channelId}/typing"),
        new("PATCH", "/api/v1/messages/{messageId}", new { text = "defaced" }),
        new("DELETE", "/api/v1/messages/{messageId}"),
        new("GET", "/api/v1/messages/{messageId}/thread"),
        new("POST", "/api/v1/messages/{messageId}/reactions", new { emoji = "👀" }),
        new("POST", "/api/v1/messages/{messageId}/pin"),
        new("DELETE", "/api/v1/messages/{messageId}/pin"),
        new("GET", "/api/v1/channels/{channelId}/pins"),
        new("GET", "/api/v1/workspaces/{workspaceId}/tasks"),
        new("POST", "/api/v1/workspaces/{workspaceId}/tasks", new { title = "intrusion" }),
        new("POST", "/api/v1/workspaces/{workspaceId}/tasks/bulk", new { taskIds = new[] { "{taskId}" }, status = "done" }),
        new("GET", "/api/v1/tasks/{taskId}"),
        new("GET", "/api/v1/workspaces/{workspaceId}/skills"),
        new("POST", "/api/v1/workspaces/{workspaceId}/skills", new { content = "---\nname: intruder\ndescription: x\n---\nbody" }),
        new("GET", "/api/v1/skills/{skillId}"),
        new("GET", "/api/v1/skills/{skillId}/versions/{number}"),
        new("GET", "/api/v1/skills/{skillId}/assignments"),
        new("POST", "/api/v1/skills/{skillId}/assignments", new { agentUserId = "{userId}" }),
        new("DELETE", "/api/v1/skills/{skillId}/assignments/{agentUserId}"),
        new("PATCH", "/api/v1/tasks/{taskId}", new { title = "defaced", status = "done" }),
        new("POST", "/api/v1/tasks/{taskId}/comments", new { text = "intrusion" }),
        new("POST", "/api/v1/channels/{channelId}/attachments", new { name = "intrusion.txt", size = 3, contentType = "text/plain" }),
        new("POST", "/api/v1/attachments/{attachmentId}/confirm"),
        new("GET", "/api/v1/attachments/{attachmentId}/content"),
        new("GET", "/api/v1/attachments/{attachmentId}/thumbnail"),
        new("GET", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories"),
        new("POST", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories", new { content = "intrusion" }),
        new("PATCH", "/api/v1/memories/{memoryId}", new { content = "defaced", pinned = true }),
        new("DELETE", "/api/v1/memories/{memoryId}"),
        new("POST", "/api/v1/memories/{memoryId}/share", new { agentUserId = "{agentUserId}" }),
        new("GET", "/api/v1/workspaces/{workspaceId}/audits/criteria"),
        new("PUT", "/api/v1/workspaces/{workspaceId}/audits/criteria", new { criteria = new[] { new { name = "Defaced", prompt = "x", weight = 100, enabled = true } } }),
        new("POST", "/api/v1/workspaces/{workspaceId}/audits/criteria/reset"),
        new("GET", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria"),
        new("PUT", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria", new { criteria = new[] { new { name = "Defaced", prompt = "x", weight = 100, enabled = true } } }),
        new("POST", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria/inherit"),
        new("POST", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/criteria/reset"),
        new("POST", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits", new { judge = "person", window = "24h" }),
        new("GET", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits"),
        new("GET", "/api/v1/audits/{runId}"),
        new("POST", "/api/v1/audits/{runId}/scores", new { scores = new[] { new { criterion = "Accuracy", score = 1 } } }),
        new("POST", "/api/v1/audits/{runId}/recommendations/{recommendationId}/apply"),
        new("POST", "/api/v1/audits/{runId}/recommendations/{recommendationId}/dismiss"),
        new("GET", "/api/v1/workspaces/{workspaceId}/audits"),
        new("GET", "/api/v1/workspaces/{workspaceId}/memories/embeddings"),
        new("GET", "/api/v1/workspaces/{workspaceId}/audits/settings"),
        new("POST", "/api/v1/workspaces/{workspaceId}/audits/settings/test"),
        new("PUT", "/api/v1/workspaces/{workspaceId}/audits/settings", new { judge = "agent", auditorAgentIds = new[] { "{agentUserId}" } }),
        new("PUT", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/schedule", new { cadence = "daily" }),
        new("DELETE", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/audits/schedule"),
        new("GET", "/api/v1/workspaces/{workspaceId}/billing"),
        new("POST", "/api/v1/workspaces/{workspaceId}/billing/checkout"),
        new("POST", "/api/v1/workspaces/{workspaceId}/billing/portal"),
        // A2A cards: members-only ones look like ids that do not exist (AgentCardTests covers public ones).
        new("GET", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/.well-known/agent-card.json"),
        new("GET", "/api/v1/workspaces/{workspaceId}/.well-known/agent-cards.json"),
        new("PUT", "/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/card", new { @public = true, description = "defaced" }),
    ];

    [Fact]
    public async Task A_user_of_another_workspace_gets_404_on_every_route_that_takes_an_id_and_changes_nothing()
    {
        var team = await Scenario.TeamAsync(Stack, "Victim");
        var member = await Scenario.JoinAsync(Stack, team, "Member");
        var message = await team.Owner.PostMessageAsync(team.GeneralId, "secret plans");
        var messageId = message.GetProperty("id").GetGuid();
        var taskId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "secret task" })).GetProperty("id").GetGuid();
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = "---\nname: secret\ndescription: x\n---\nbody" })).GetProperty("id").GetGuid();
        var attachmentId = await PostedFileAsync(team);
        var (agentUserId, memoryId) = await AgentMemoryAsync(team);
        var runId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agentUserId}/audits", new { judge = "person", window = "24h" })).GetProperty("id").GetGuid();
        var outsider = await Stack.Client().SignUpAsync("Outsider");
        await outsider.CreateWorkspaceAsync("Elsewhere");
        var attachmentsBefore = await TestEnvironment.ScalarAsync<long>("select count(*) from attachments where workspace_id = @id", new { id = team.WorkspaceId });
        var eventsBefore = await TestEnvironment.ScalarAsync<long>("select last_seq from workspaces where id = @id", new { id = team.WorkspaceId });

        foreach (var probe in Probes)
        {
            var path = Fill(probe.Template, team.WorkspaceId, team.GeneralId, messageId, member.UserId, taskId).Replace("{skillId}", skillId.ToString()).Replace("{number}", "1").Replace("{agentUserId}", agentUserId.ToString()).Replace("{attachmentId}", attachmentId.ToString()).Replace("{memoryId}", memoryId.ToString()).Replace("{runId}", runId.ToString()).Replace("{recommendationId}", Guid.NewGuid().ToString());
            var body = probe.Body is null ? null : Fill(System.Text.Json.JsonSerializer.Serialize(probe.Body), team.WorkspaceId, team.GeneralId, messageId, member.UserId, taskId)
                .Replace("{skillId}", skillId.ToString()).Replace("{agentUserId}", agentUserId.ToString());
            var (status, problem) = await outsider.TryAsync(new HttpMethod(probe.Method), path, body);
            Assert.True(status == HttpStatusCode.NotFound, $"{probe.Method} {probe.Template} -> {(int)status}");
            Assert.EndsWith("_not_found", problem.GetProperty("code").GetString());
        }

        Assert.Equal(eventsBefore, await TestEnvironment.ScalarAsync<long>("select last_seq from workspaces where id = @id", new { id = team.WorkspaceId }));
        Assert.Equal(1L, await TestEnvironment.ScalarAsync<long>("select count(*) from agent_memories where workspace_id = @id", new { id = team.WorkspaceId }));
        Assert.Equal(0L, await TestEnvironment.ScalarAsync<long>("select count(*) from audit_criteria_versions where workspace_id = @id", new { id = team.WorkspaceId }));
        Assert.Equal(0L, await TestEnvironment.ScalarAsync<long>("select count(*) from remote_agents where workspace_id = @id and (card_public or card_description is not null)", new { id = team.WorkspaceId }));
        Assert.Equal("running", await TestEnvironment.ScalarAsync<string>("select string_agg(status, ',') from audit_runs where workspace_id = @id", new { id = team.WorkspaceId }));
        Assert.Equal(attachmentsBefore, await TestEnvironment.ScalarAsync<long>("select count(*) from attachments where workspace_id = @id", new { id = team.WorkspaceId }));
        var history = await team.Owner.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages");
        Assert.Contains(history.GetProperty("items").EnumerateArray(), m => m.GetProperty("text").GetString() == "secret plans");
        // The owner, the member and the agent keeping a memory: nobody added, nobody removed.
        Assert.Equal(3, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members")).GetArrayLength());
        Assert.Equal(0, await TestEnvironment.ScalarAsync<long>(
            "select count(*) from memberships where user_id = @id and workspace_id = @w", new { id = outsider.UserId, w = team.WorkspaceId }));
    }

    [Fact]
    public async Task A_user_of_another_workspace_cannot_open_its_event_streams()
    {
        var team = await Scenario.TeamAsync(Stack, "Victim");
        var outsider = await Stack.Client().SignUpAsync("Outsider");
        var channels = await Assert.ThrowsAsync<HttpRequestException>(() => Stack.ChannelEventsAsync(outsider, team.WorkspaceId));
        Assert.True(HttpStatusCode.NotFound == channels.StatusCode, channels.Message);
        var status = await Assert.ThrowsAsync<HttpRequestException>(() => Stack.StatusEventsAsync(outsider, team.WorkspaceId));
        Assert.True(HttpStatusCode.NotFound == status.StatusCode, status.Message);
    }

    [Fact]
    public async Task Every_route_with_an_id_has_an_isolation_probe()
    {
        var routes = Stack.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Any(p => p.Name is "workspaceId" or "channelId" or "messageId" or "taskId" or "skillId" or "attachmentId" or "memoryId" or "runId" or "recommendationId"))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                $"{m} {System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimEnd('/'), ":guid", "")}"))
            .ToHashSet();
        var probed = Probes.Select(p => $"{p.Method} {p.Template.Split('?')[0]}").ToHashSet();
        // Routes for agents (their API key, not a session) are probed by the agents' own tests
        // (TaskDispatchTests: another agent's key on someone else's task).
        var agentRoutes = AgentLink.Functions.Runtime.FunctionCatalog.App.Http.Where(f => f.Policy.Caller == AgentLink.Functions.Runtime.Caller.Agent)
            .SelectMany(f => f.Methods.Select(m => $"{m} /api/{System.Text.RegularExpressions.Regex.Replace(f.Route, ":guid", "")}")).ToHashSet();
        Assert.Empty(routes.Except(probed).Except(agentRoutes));
    }

    /// <summary>An agent of the victim's workspace with one memory.</summary>
    private async Task<(Guid AgentUserId, Guid MemoryId)> AgentMemoryAsync(Scenario.Team team)
    {
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "keeper", "Keeper", connect: false);
        var added = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/memories", new { content = "The launch date is secret" });
        return (agent.UserId, added.GetProperty("memory").GetProperty("id").GetGuid());
    }

    /// <summary>A file posted in the victim's #general (uploaded to Azurite and confirmed).</summary>
    private static async Task<Guid> PostedFileAsync(Scenario.Team team)
    {
        var bytes = "top secret"u8.ToArray();
        var ticket = await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/attachments", new { name = "secret.txt", size = bytes.Length, contentType = "text/plain" });
        await BlobUpload.PutAsync(ticket, bytes);
        var id = ticket.GetProperty("attachment").GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/attachments/{id}/confirm");
        await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/messages", new { text = "the file", attachmentIds = new[] { id } });
        return id;
    }

    private static string Fill(string template, Guid workspaceId, Guid channelId, Guid messageId, Guid userId, Guid taskId) => template
        .Replace("{workspaceId}", workspaceId.ToString()).Replace("{channelId}", channelId.ToString())
        .Replace("{messageId}", messageId.ToString()).Replace("{userId}", userId.ToString()).Replace("{taskId}", taskId.ToString());
}
