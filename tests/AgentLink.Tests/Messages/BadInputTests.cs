using System.Net;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Messages;

/// <summary>Each kind of bad input: a 4xx ProblemDetails with a stable code, never a 5xx, and nothing written.</summary>
public sealed class BadInputTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static void AssertProblem(HttpStatusCode expected, string code, (HttpStatusCode Status, JsonElement Body) actual)
    {
        Assert.Equal(expected, actual.Status);
        Assert.Equal(code, actual.Body.GetProperty("code").GetString());
        Assert.Equal((int)expected, actual.Body.GetProperty("status").GetInt32());
    }

    private async Task<long> WrittenAsync(Guid workspaceId) =>
        await TestEnvironment.ScalarAsync<long>("select last_seq from workspaces where id = @workspaceId", new { workspaceId })
        + await TestEnvironment.ScalarAsync<long>("select count(*) from channel_messages where workspace_id = @workspaceId", new { workspaceId });

    [Fact]
    public async Task Malformed_json_is_400_invalid_json()
    {
        var team = await Scenario.TeamAsync(Stack);
        var before = await WrittenAsync(team.WorkspaceId);
        AssertProblem(HttpStatusCode.BadRequest, "invalid_json",
            await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", "{\"text\": \"unterminated"));
        AssertProblem(HttpStatusCode.BadRequest, "invalid_json",
            await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", "{\"text\": 42}"));
        Assert.Equal(before, await WrittenAsync(team.WorkspaceId));
    }

    [Fact]
    public async Task Missing_body_and_missing_fields_are_400()
    {
        var team = await Scenario.TeamAsync(Stack);
        var before = await WrittenAsync(team.WorkspaceId);
        AssertProblem(HttpStatusCode.BadRequest, "invalid_request", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages"));
        var missing = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { });
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", missing);
        Assert.True(missing.Body.GetProperty("errors").TryGetProperty("text", out _));
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "   " }));
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await Stack.Client().TryAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = "no-at-sign", password = "short", name = "" }));
        Assert.Equal(before, await WrittenAsync(team.WorkspaceId));
    }

    [Fact]
    public async Task A_message_over_the_4000_character_limit_is_400_and_a_huge_body_is_413()
    {
        var team = await Scenario.TeamAsync(Stack);
        var before = await WrittenAsync(team.WorkspaceId);
        await team.Owner.PostMessageAsync(team.GeneralId, new string('a', 4000));
        var after = await WrittenAsync(team.WorkspaceId);
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed",
            await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = new string('a', 4001) }));
        AssertProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large",
            await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = new string('a', 70_000) }));
        Assert.Equal(2, after - before);
        Assert.Equal(after, await WrittenAsync(team.WorkspaceId));
    }

    [Fact]
    public async Task Unknown_ids_are_404_with_a_specific_code()
    {
        var team = await Scenario.TeamAsync(Stack);
        var unknown = Guid.NewGuid();
        AssertProblem(HttpStatusCode.NotFound, "workspace_not_found", await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{unknown}/channels"));
        AssertProblem(HttpStatusCode.NotFound, "channel_not_found", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{unknown}/messages", new { text = "x" }));
        AssertProblem(HttpStatusCode.NotFound, "message_not_found", await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/messages/{unknown}", new { text = "x" }));
        AssertProblem(HttpStatusCode.NotFound, "invite_not_found", await team.Owner.TryAsync(HttpMethod.Post, "/api/v1/invites/no-such-token/accept"));
        AssertProblem(HttpStatusCode.NotFound, "user_not_found", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = unknown }));
        AssertProblem(HttpStatusCode.BadRequest, "invalid_parent", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "x", parentId = unknown }));
        AssertProblem(HttpStatusCode.NotFound, "not_found", await team.Owner.TryAsync(HttpMethod.Get, "/api/v1/no-such-route"));
        AssertProblem(HttpStatusCode.BadRequest, "invalid_request", await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/channels/{team.GeneralId}/messages?limit=lots"));
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/channels/{team.GeneralId}/messages?limit=100000"));
    }

    [Fact]
    public async Task A_wrong_password_is_401_invalid_credentials()
    {
        var user = await Stack.Client().SignUpAsync("Pat", "the right password");
        var anonymous = Stack.Client();
        AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials",
            await anonymous.TryAsync(HttpMethod.Post, "/api/v1/auth/login", new { email = user.Email, password = "the wrong password" }));
        AssertProblem(HttpStatusCode.Unauthorized, "invalid_credentials",
            await anonymous.TryAsync(HttpMethod.Post, "/api/v1/auth/login", new { email = "nobody@example.test", password = "whatever1" }));
        var sessions = await TestEnvironment.ScalarAsync<long>("select count(*) from sessions where user_id = @id", new { id = user.UserId });
        Assert.Equal(1, sessions);
    }

    [Fact]
    public async Task An_expired_invite_is_410_and_adds_no_member()
    {
        var team = await Scenario.TeamAsync(Stack);
        var token = await team.Owner.InviteAsync(team.WorkspaceId);
        await TestEnvironment.ExecuteAsync("update invitations set expires_at = now() - interval '1 second' where workspace_id = @id", new { id = team.WorkspaceId });
        var late = await Stack.Client().SignUpAsync("Late");
        AssertProblem(HttpStatusCode.Gone, "invite_expired", await late.TryAsync(HttpMethod.Post, $"/api/v1/invites/{token}/accept"));
        AssertProblem(HttpStatusCode.Gone, "invite_expired", await late.TryAsync(HttpMethod.Get, $"/api/v1/invites/{token}"));
        Assert.Equal(1, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members")).GetArrayLength());
    }

    [Fact]
    public async Task Invalid_roles_and_names_are_400()
    {
        var team = await Scenario.TeamAsync(Stack);
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/invites", new { role = "owner" }));
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/channels", new { name = "bad/name!" }));
        AssertProblem(HttpStatusCode.Conflict, "channel_name_taken", await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/channels", new { name = "General" }));
        AssertProblem(HttpStatusCode.BadRequest, "validation_failed", await team.Owner.TryAsync(HttpMethod.Post, "/api/v1/workspaces", new { name = new string('w', 81) }));
    }
}
