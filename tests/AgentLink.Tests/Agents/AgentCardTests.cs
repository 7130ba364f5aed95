using System.Net;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Agents;

/// <summary>A2A agent cards: members see their workspace's cards; anyone else only what the owner made public.</summary>
public sealed class AgentCardTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private const string Skill = "---\nname: triage\ndescription: Sorts incoming bugs by severity.\n---\n# Triage\nLabel each bug.\n";

    [Fact]
    public async Task Cards_are_for_members_until_the_owner_makes_one_public_and_carry_skills_and_endpoints()
    {
        var team = await Scenario.TeamAsync(Stack, "Ada");
        var admin = await Scenario.JoinAsync(Stack, team, "Abe", role: "admin");
        var viewer = await Scenario.JoinAsync(Stack, team, "Vi", role: "viewer");
        var outsider = await Scenario.TeamAsync(Stack, "Out");
        var anonymous = Stack.Client();
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "triager", "Triager", connect: false);
        await using var quiet = await TestAgent.OnboardAsync(Stack, team, "quiet", "Quiet One", connect: false);
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill })).GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = agent.UserId });

        var cardPath = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/.well-known/agent-card.json";
        var directoryPath = $"/api/v1/workspaces/{team.WorkspaceId}/.well-known/agent-cards.json";

        // A member (even a viewer) reads the card.
        var card = await viewer.GetOkAsync(cardPath);
        Assert.Equal("0.3.0", card.GetProperty("protocolVersion").GetString());
        Assert.Equal("Triager", card.GetProperty("name").GetString());
        Assert.EndsWith("/mcp", card.GetProperty("url").GetString());
        Assert.Equal("triage", card.GetProperty("skills")[0].GetProperty("id").GetString());
        Assert.Equal("Sorts incoming bugs by severity.", card.GetProperty("skills")[0].GetProperty("description").GetString());
        Assert.Equal("bearer", card.GetProperty("securitySchemes").GetProperty("agentlinkApiKey").GetProperty("scheme").GetString());
        var endpoints = card.GetProperty("capabilities").GetProperty("extensions")[0].GetProperty("params");
        Assert.StartsWith("mqtt://", endpoints.GetProperty("mqtt").GetString());
        Assert.EndsWith($"/agents/triager/inbox", endpoints.GetProperty("inbox").GetString());
        Assert.Equal(2, (await viewer.GetOkAsync(directoryPath)).GetProperty("cards").GetArrayLength());

        // Anyone else: the same 404 as for an id that does not exist.
        foreach (var stranger in new[] { outsider.Owner, anonymous })
        {
            var (status, body) = await stranger.TryAsync(HttpMethod.Get, cardPath);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("agent_not_found", body.GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.TryAsync(HttpMethod.Get, directoryPath)).Status);
        }
        var (missing, _) = await viewer.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/agents/{Guid.NewGuid()}/.well-known/agent-card.json");
        Assert.Equal(HttpStatusCode.NotFound, missing);

        // Only the owner publishes; an admin may not; a description is checked.
        var path = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/card";
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.TryAsync(HttpMethod.Put, path, new { @public = true })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Owner.TryAsync(HttpMethod.Put, path, new { @public = true })).Status);
        var (tooLong, tooLongBody) = await team.Owner.TryAsync(HttpMethod.Put, path, new { description = new string('d', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Equal("validation_failed", tooLongBody.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.TryAsync(HttpMethod.Get, cardPath)).Status);
        var saved = await team.Owner.OkAsync(HttpMethod.Put, path, new { @public = true, description = "Sorts our bug reports." });
        Assert.True(saved.GetProperty("public").GetBoolean());
        Assert.EndsWith(cardPath, saved.GetProperty("cardUrl").GetString());

        // Public: anyone reads that card, and the directory lists only it for them.
        var open = await anonymous.GetOkAsync(cardPath);
        Assert.Equal("Sorts our bug reports.", open.GetProperty("description").GetString());
        var directory = await outsider.Owner.GetOkAsync(directoryPath);
        Assert.Equal(["Triager"], directory.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var (quietStatus, _) = await anonymous.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/agents/{quiet.UserId}/.well-known/agent-card.json");
        Assert.Equal(HttpStatusCode.NotFound, quietStatus);

        // And back to members only.
        await team.Owner.OkAsync(HttpMethod.Put, path, new { @public = false });
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.TryAsync(HttpMethod.Get, cardPath)).Status);
        Assert.Equal(JsonValueKind.Object, (await viewer.GetOkAsync(cardPath)).ValueKind);
    }
}
