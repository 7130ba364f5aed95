using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Skills;

public sealed class SkillApiTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private const string Notes = "---\nname: release-notes\ndescription: Writes release notes.\n---\n# Release notes\nGroup the changes by area.\n";

    [Fact]
    public async Task A_skill_is_imported_an_edit_is_a_new_immutable_version_and_the_same_content_is_no_change()
    {
        var team = await Scenario.TeamAsync(Stack);
        var viewer = await Scenario.JoinAsync(Stack, team, "Vic", role: "viewer");
        await using var stream = await Stack.ChannelEventsAsync(viewer, team.WorkspaceId);
        await stream.NextAsync("ready");

        var created = await team.Owner.SendAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Notes });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var skill = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var id = skill.GetProperty("id").GetGuid();
        Assert.Equal("release-notes", skill.GetProperty("name").GetString());
        Assert.Equal(1, skill.GetProperty("latestVersion").GetInt32());
        Assert.Equal("release-notes", (await stream.NextAsync("skill.created")).Payload.GetProperty("name").GetString());

        var again = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Notes.Replace("\n", "\r\n") });
        Assert.Equal(1, again.GetProperty("latestVersion").GetInt32());
        var edited = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Notes + "Link each pull request.\n" });
        Assert.Equal(2, edited.GetProperty("latestVersion").GetInt32());
        Assert.Equal(2, (await stream.NextAsync("skill.updated")).Payload.GetProperty("latestVersion").GetInt32());

        var details = await viewer.GetOkAsync($"/api/v1/skills/{id}");
        Assert.Equal([2, 1], details.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(Notes, (await viewer.GetOkAsync($"/api/v1/skills/{id}/versions/1")).GetProperty("content").GetString());
        Assert.Single((await viewer.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills")).GetProperty("items").EnumerateArray());

        var (status, problem) = await viewer.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Notes });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = "---\nname: Bad Name\ndescription: x\n---\nbody" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("line 2: name:", problem.GetProperty("errors").GetProperty("name")[0].GetString());
        (status, problem) = await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/skills/{id}/versions/9");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("skill_not_found", problem.GetProperty("code").GetString());
    }
}
