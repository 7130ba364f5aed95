using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Workspaces;

public sealed class WorkspaceMembershipTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Creating_a_workspace_makes_the_creator_owner_with_general()
    {
        var owner = await Stack.Client().SignUpAsync("Olga");
        var created = await owner.PostOkAsync("/api/v1/workspaces", new { name = "  Olga's place " });
        Assert.Equal("Olga's place", created.GetProperty("name").GetString());
        Assert.Equal("owner", created.GetProperty("role").GetString());
        var channels = await owner.GetOkAsync($"/api/v1/workspaces/{created.GetProperty("id").GetGuid()}/channels");
        var general = Assert.Single(channels.EnumerateArray());
        Assert.Equal("general", general.GetProperty("name").GetString());
        Assert.True(general.GetProperty("isMember").GetBoolean());
        Assert.Contains((await owner.GetOkAsync("/api/v1/workspaces")).EnumerateArray(), w => w.GetProperty("id").GetGuid() == created.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_invite_carries_its_role_and_joins_general()
    {
        var team = await Scenario.TeamAsync(Stack);
        var preview = await (await Stack.Client().SignUpAsync("Peek")).GetOkAsync($"/api/v1/invites/{await team.Owner.InviteAsync(team.WorkspaceId, "viewer")}");
        Assert.Equal("viewer", preview.GetProperty("role").GetString());

        var viewer = await Scenario.JoinAsync(Stack, team, "Vic", "viewer");
        var members = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members");
        Assert.Equal("viewer", members.EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == viewer.UserId).GetProperty("role").GetString());
        var general = (await viewer.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")).EnumerateArray().Single();
        Assert.True(general.GetProperty("isMember").GetBoolean());
    }

    [Fact]
    public async Task A_viewer_reads_but_gets_403_when_posting_or_reacting()
    {
        var team = await Scenario.TeamAsync(Stack);
        var viewer = await Scenario.JoinAsync(Stack, team, "Vic", "viewer");
        var message = await team.Owner.PostMessageAsync(team.GeneralId, "read me");

        Assert.Equal(1, (await viewer.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages")).GetProperty("items").GetArrayLength());
        var (status, body) = await viewer.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "can I?" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", body.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Post, $"/api/v1/messages/{message.GetProperty("id")}/reactions", new { emoji = "👍" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/channels", new { name = "mine" })).Status);
        Assert.Equal(1, await TestEnvironment.ScalarAsync<long>("select count(*) from channel_messages where channel_id = @id", new { id = team.GeneralId }));
    }

    [Fact]
    public async Task Only_the_owner_changes_roles_and_the_owner_role_is_fixed()
    {
        var team = await Scenario.TeamAsync(Stack);
        var admin = await Scenario.JoinAsync(Stack, team, "Ada", "admin");
        var member = await Scenario.JoinAsync(Stack, team, "Mo");

        var (status, body) = await admin.TryAsync(HttpMethod.Patch, $"/api/v1/workspaces/{team.WorkspaceId}/members/{member.UserId}", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", body.GetProperty("code").GetString());
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/workspaces/{team.WorkspaceId}/members/{member.UserId}", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.Forbidden, (await member.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "x" })).Status);
        (status, body) = await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/workspaces/{team.WorkspaceId}/members/{team.Owner.UserId}", new { role = "member" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("owner_immutable", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Removing_a_member_ends_their_access_and_their_event_stream()
    {
        var team = await Scenario.TeamAsync(Stack);
        var admin = await Scenario.JoinAsync(Stack, team, "Ada", "admin");
        var member = await Scenario.JoinAsync(Stack, team, "Mo");
        await using var stream = await Stack.ChannelEventsAsync(member, team.WorkspaceId);
        await stream.NextAsync("ready");

        Assert.Equal(HttpStatusCode.Forbidden, (await member.TryAsync(HttpMethod.Delete, $"/api/v1/workspaces/{team.WorkspaceId}/members/{admin.UserId}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.TryAsync(HttpMethod.Delete, $"/api/v1/workspaces/{team.WorkspaceId}/members/{member.UserId}")).Status);

        var removed = await stream.NextAsync("workspace.member_removed");
        Assert.Equal(member.UserId, removed.Payload.GetProperty("userId").GetGuid());
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!stream.Ended && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(stream.Ended);
        Assert.Equal(HttpStatusCode.NotFound, (await member.TryAsync(HttpMethod.Get, $"/api/v1/channels/{team.GeneralId}/messages")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.TryAsync(HttpMethod.Delete, $"/api/v1/workspaces/{team.WorkspaceId}/members/{team.Owner.UserId}")).Status);
    }

    [Fact]
    public async Task A_member_can_leave_a_workspace()
    {
        var team = await Scenario.TeamAsync(Stack);
        var member = await Scenario.JoinAsync(Stack, team, "Leaver");
        Assert.Equal(HttpStatusCode.NoContent, (await member.TryAsync(HttpMethod.Delete, $"/api/v1/workspaces/{team.WorkspaceId}/members/{member.UserId}")).Status);
        Assert.Empty((await member.GetOkAsync("/api/v1/workspaces")).EnumerateArray());
    }
}
