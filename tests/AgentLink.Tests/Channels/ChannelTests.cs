using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Channels;

public sealed class ChannelTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_non_member_cannot_see_read_or_hear_a_private_channel()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var bobStream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await bobStream.NextAsync("ready");

        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        await team.Owner.PostMessageAsync(secret, "the eagle lands at midnight");
        await team.Owner.PostMessageAsync(team.GeneralId, "public marker");

        Assert.DoesNotContain((await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")).EnumerateArray(), c => c.GetProperty("id").GetGuid() == secret);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.TryAsync(HttpMethod.Get, $"/api/v1/channels/{secret}/messages")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.TryAsync(HttpMethod.Post, $"/api/v1/channels/{secret}/join")).Status);
        Assert.Empty((await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/search?q=eagle")).GetProperty("items").EnumerateArray());

        // Bob's stream got the public message and nothing of the private channel, live or on replay.
        var seen = new List<SseEvent>();
        SseEvent e;
        while ((e = await bobStream.NextAsync(_ => true)).Type != "message.created") seen.Add(e);
        Assert.Equal("public marker", e.Payload.GetProperty("text").GetString());
        Assert.DoesNotContain(seen, x => x.Json.TryGetProperty("channelId", out var c) && c.GetGuid() == secret);
        await using var replay = await Stack.ChannelEventsAsync(bob, team.WorkspaceId, "0");
        while ((e = await replay.NextAsync(_ => true)).Type != "ready")
            Assert.False(e.Json.TryGetProperty("channelId", out var c) && c.GetGuid() == secret, e.Data);

        // Once added, Bob hears it.
        await team.Owner.PostOkAsync($"/api/v1/channels/{secret}/members", new { userId = bob.UserId });
        await team.Owner.PostMessageAsync(secret, "welcome bob");
        var welcome = await bobStream.NextAsync(x => x.Type == "message.created" && x.Payload.GetProperty("channelId").GetGuid() == secret);
        Assert.Equal("welcome bob", welcome.Payload.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Channel_names_take_letters_of_any_script_as_a_lowercase_slug_and_refuse_what_could_disguise_a_name()
    {
        var team = await Scenario.TeamAsync(Stack);
        async Task<string> Created(string name)
        {
            var id = await team.Owner.CreateChannelAsync(team.WorkspaceId, name);
            return (await team.Owner.GetOkAsync($"/api/v1/channels/{id}")).GetProperty("name").GetString()!;
        }
        Assert.Equal("café-équipe", await Created("Cafe\u0301 Équipe"));
        Assert.Equal("日本語-チーム", await Created("日本語 チーム"));
        Assert.Equal("ops_2026", await Created("#Ops_2026"));
        foreach (var bad in new[] { "pay\u202Egnp", "zero\u200Bwidth", "rocket-🚀", "a.b", "-lead" })
        {
            var (status, body) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/channels", new { name = bad });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task The_creator_or_an_admin_renames_a_channel_members_set_its_topic_and_everyone_is_told()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var carol = await Scenario.JoinAsync(Stack, team, "Carol");
        var plans = await bob.CreateChannelAsync(team.WorkspaceId, "plans");
        await carol.PostOkAsync($"/api/v1/channels/{plans}/join");
        await using var stream = await Stack.ChannelEventsAsync(carol, team.WorkspaceId);
        await stream.NextAsync("ready");

        var renamed = await bob.OkAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { name = "Roadmap 2027" });
        Assert.Equal("roadmap-2027", renamed.GetProperty("name").GetString());
        var told = await stream.NextAsync(e => e.Type == "channel.updated");
        Assert.Equal("roadmap-2027", told.Payload.GetProperty("name").GetString());

        var (status, body) = await carol.TryAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { name = "mine-now" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", body.GetProperty("code").GetString());
        var topic = await carol.OkAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { topic = "What ships next year" });
        Assert.Equal("What ships next year", topic.GetProperty("topic").GetString());
        Assert.Equal("roadmap-2027", topic.GetProperty("name").GetString());
        Assert.Equal("renamed-by-admin", (await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { name = "renamed-by-admin" })).GetProperty("name").GetString());

        (status, body) = await bob.TryAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { name = "general" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("channel_name_taken", body.GetProperty("code").GetString());
        (status, body) = await bob.TryAsync(HttpMethod.Patch, $"/api/v1/channels/{plans}", new { });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Public_channels_can_be_joined_left_and_archived()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var random = await team.Owner.CreateChannelAsync(team.WorkspaceId, "Random Chat");
        var listed = (await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")).EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == random);
        Assert.Equal("random-chat", listed.GetProperty("name").GetString());
        Assert.False(listed.GetProperty("isMember").GetBoolean());

        var (status, body) = await bob.TryAsync(HttpMethod.Post, $"/api/v1/channels/{random}/messages", new { text = "hi" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("not_channel_member", body.GetProperty("code").GetString());

        Assert.True((await bob.PostOkAsync($"/api/v1/channels/{random}/join")).GetProperty("isMember").GetBoolean());
        await bob.PostMessageAsync(random, "hi");
        Assert.Equal(HttpStatusCode.NoContent, (await bob.TryAsync(HttpMethod.Post, $"/api/v1/channels/{random}/leave")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.TryAsync(HttpMethod.Post, $"/api/v1/channels/{random}/archive")).Status);

        Assert.NotEqual(JsonValueKindNull, (await team.Owner.PostOkAsync($"/api/v1/channels/{random}/archive")).GetProperty("archivedAt").ValueKind);
        (status, body) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{random}/messages", new { text = "too late" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("channel_archived", body.GetProperty("code").GetString());
        Assert.Equal(1, (await team.Owner.GetOkAsync($"/api/v1/channels/{random}/messages")).GetProperty("items").GetArrayLength());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_DM_is_one_channel_per_pair_that_only_the_two_can_read()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var eve = await Scenario.JoinAsync(Stack, team, "Eve");
        await using var bobStream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await bobStream.NextAsync("ready");

        using var first = await team.Owner.SendAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = bob.UserId });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var dm = await bob.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = team.Owner.UserId });
        var dmId = dm.GetProperty("id").GetGuid();
        Assert.Equal("dm", dm.GetProperty("type").GetString());
        Assert.Equal(team.Owner.Name, dm.GetProperty("name").GetString());

        await team.Owner.PostMessageAsync(dmId, "psst, Bob");
        var got = await bobStream.NextAsync("message.created");
        Assert.Equal("psst, Bob", got.Payload.GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await eve.TryAsync(HttpMethod.Get, $"/api/v1/channels/{dmId}/messages")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = bob.UserId })).Status);
    }
}
