using System.Net;
using System.Net.Http.Headers;
using AgentLink.Client;
using AgentLink.Core.Agents;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Agents;

/// <summary>Register, claim (by a person, or by the agent with an invite), connect agent ids, list, remove.</summary>
public sealed class OnboardingTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private ApiClient AgentCaller(string apiKey)
    {
        var client = Stack.Client();
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private async Task<Registration> RegisterAsync(string name = "Scout") =>
        await new AgentLinkOnboarding(Stack.WebUrl).RegisterAsync(name, "langchain");

    [Fact]
    public async Task Registering_returns_a_key_shown_once_a_claim_url_valid_24h_and_stores_only_the_keys_hash()
    {
        var before = DateTimeOffset.UtcNow;
        var registration = await RegisterAsync();

        Assert.StartsWith("alk_", registration.ApiKey);
        Assert.Equal($"{Stack.WebUrl}/claim/{registration.RegistrationId}", registration.ClaimUrl);
        Assert.InRange(registration.ExpiresAt, before.AddHours(24).AddSeconds(-5), before.AddHours(24).AddMinutes(1));
        var stored = await TestEnvironment.ScalarAsync<byte[]>("select api_key_hash from agent_registrations where id = @id", new { id = registration.RegistrationId });
        Assert.Equal(AgentKeys.Hash(registration.ApiKey), stored);
        Assert.Equal(0, await TestEnvironment.ScalarAsync<long>(
            "select count(*) from agent_registrations where encode(api_key_hash, 'escape') like '%' || @key || '%'", new { key = registration.ApiKey }));

        var status = await new AgentLinkOnboarding(Stack.WebUrl).StatusAsync(registration.ApiKey);
        Assert.Equal("pending", status.Status);
        Assert.Equal("Scout", status.AgentName);
        Assert.Null(status.Workspace);
    }

    [Fact]
    public async Task An_owner_claims_the_agent_which_then_connects_ids_that_become_members_and_can_be_listed_and_removed()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var registration = await RegisterAsync();
        var preview = await team.Owner.GetOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}");
        Assert.Contains(preview.GetProperty("workspaces").EnumerateArray(), w => w.GetProperty("id").GetGuid() == team.WorkspaceId);

        var claimed = await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        Assert.Equal("claimed", claimed.GetProperty("status").GetString());
        var onboarding = new AgentLinkOnboarding(Stack.WebUrl);
        Assert.Equal(team.WorkspaceId, (await onboarding.StatusAsync(registration.ApiKey)).Workspace!.Id);

        var info = await onboarding.ConnectAsync(registration.ApiKey, [("scout-1", "Scout One"), ("scout-2", "Scout Two")]);
        Assert.Equal(team.WorkspaceId, info.WorkspaceId);
        Assert.StartsWith("mqtt://", info.Broker.Url);
        var one = info.Agents.Single(a => a.AgentId == "scout-1");
        Assert.Equal(one.UserId.ToString(), one.Mqtt.Username);
        Assert.Equal(one.Mqtt.Username, one.Mqtt.ClientId);
        Assert.Equal(registration.ApiKey, one.Mqtt.Password);
        Assert.Equal($"{info.Broker.TopicRoot}/ws/{team.WorkspaceId}/agents/scout-1/inbox", one.Topics.Inbox);
        Assert.Contains(team.GeneralId, one.ChannelIds);

        // Agents are workspace members: listed, DM-able, addable to channels.
        var members = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members");
        Assert.Contains(members.EnumerateArray(), m => m.GetProperty("userId").GetGuid() == one.UserId && m.GetProperty("kind").GetString() == "agent");
        var dm = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = one.UserId });
        Assert.Equal("agent", dm.GetProperty("dmPeer").GetProperty("kind").GetString());
        var research = await team.Owner.CreateChannelAsync(team.WorkspaceId, "research");
        await team.Owner.PostOkAsync($"/api/v1/channels/{research}/members", new { userId = one.UserId });

        // Connecting again is idempotent and renames.
        var again = await onboarding.ConnectAsync(registration.ApiKey, [("scout-1", "Scout Prime")]);
        Assert.Equal(one.UserId, again.Agents[0].UserId);
        Assert.Contains(research, again.Agents[0].ChannelIds);

        var agentCaller = AgentCaller(registration.ApiKey);
        var listed = await agentCaller.GetOkAsync("/api/v1/agents/connect");
        Assert.Equal(["scout-1", "scout-2"], listed.EnumerateArray().Select(a => a.GetProperty("agentId").GetString()));
        Assert.All(listed.EnumerateArray(), a => Assert.False(a.GetProperty("online").GetBoolean()));
        var inWorkspace = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents");
        Assert.Equal(2, inWorkspace.GetArrayLength());
        Assert.All(inWorkspace.EnumerateArray(), a => Assert.Equal(team.Owner.Name, a.GetProperty("claimedBy").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await agentCaller.TryAsync(HttpMethod.Delete, "/api/v1/agents/scout-2")).Status);
        Assert.Single((await agentCaller.GetOkAsync("/api/v1/agents/connect")).EnumerateArray());
        var (status, problem) = await agentCaller.TryAsync(HttpMethod.Delete, "/api/v1/agents/scout-2");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("agent_not_found", problem.GetProperty("code").GetString());
        members = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members");
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("name").GetString() == "Scout Two");
    }

    [Fact]
    public async Task An_expired_claim_is_refused_with_410_for_a_person_and_for_an_invite()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var registration = await RegisterAsync();
        await TestEnvironment.ExecuteAsync("update agent_registrations set claim_expires_at = now() - interval '1 minute' where id = @id",
            new { id = registration.RegistrationId });

        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal("claim_expired", problem.GetProperty("code").GetString());
        var invite = await team.Owner.InviteAsync(team.WorkspaceId);
        (status, problem) = await AgentCaller(registration.ApiKey).TryAsync(HttpMethod.Post, "/api/v1/agents/claim", new { inviteToken = invite });
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal("claim_expired", problem.GetProperty("code").GetString());
        Assert.Equal("expired", (await new AgentLinkOnboarding(Stack.WebUrl).StatusAsync(registration.ApiKey)).Status);
        Assert.Null(await TestEnvironment.ScalarAsync<Guid?>("select workspace_id from agent_registrations where id = @id", new { id = registration.RegistrationId }));
    }

    [Fact]
    public async Task A_foreign_claim_is_refused_and_a_claimed_agent_cannot_be_claimed_again()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var member = await Scenario.JoinAsync(Stack, team, "Mia");
        var outsider = await Stack.Client().SignUpAsync("Oscar");
        var registration = await RegisterAsync();
        var path = $"/api/v1/agents/claim/{registration.RegistrationId}";

        // Someone outside the workspace: the workspace does not exist for them.
        var (status, problem) = await outsider.TryAsync(HttpMethod.Post, path, new { workspaceId = team.WorkspaceId });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("workspace_not_found", problem.GetProperty("code").GetString());
        // A plain member may not bring agents in.
        (status, problem) = await member.TryAsync(HttpMethod.Post, path, new { workspaceId = team.WorkspaceId });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", problem.GetProperty("code").GetString());
        (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/agents/claim/{Guid.NewGuid()}", new { workspaceId = team.WorkspaceId });
        Assert.Equal("registration_not_found", problem.GetProperty("code").GetString());

        await team.Owner.PostOkAsync(path, new { workspaceId = team.WorkspaceId });
        var otherTeam = await Scenario.TeamAsync(Stack, "Ursula");
        (status, problem) = await otherTeam.Owner.TryAsync(HttpMethod.Post, path, new { workspaceId = otherTeam.WorkspaceId });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("agent_already_claimed", problem.GetProperty("code").GetString());
        Assert.Equal(team.WorkspaceId, await TestEnvironment.ScalarAsync<Guid>("select workspace_id from agent_registrations where id = @id", new { id = registration.RegistrationId }));
    }

    [Fact]
    public async Task An_agent_claims_itself_with_a_member_invite_but_not_with_a_viewer_invite()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var registration = await RegisterAsync();
        var caller = AgentCaller(registration.ApiKey);

        var viewerInvite = await team.Owner.InviteAsync(team.WorkspaceId, "viewer");
        var (status, problem) = await caller.TryAsync(HttpMethod.Post, "/api/v1/agents/claim", new { inviteToken = viewerInvite });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", problem.GetProperty("code").GetString());
        (status, problem) = await caller.TryAsync(HttpMethod.Post, "/api/v1/agents/claim", new { inviteToken = "not-a-real-invite" });
        Assert.Equal("invite_not_found", problem.GetProperty("code").GetString());

        var status2 = await new AgentLinkOnboarding(Stack.WebUrl).ClaimWithInviteAsync(registration.ApiKey, await team.Owner.InviteAsync(team.WorkspaceId));
        Assert.Equal("claimed", status2.Status);
        Assert.Equal(team.WorkspaceId, status2.Workspace!.Id);
    }

    [Fact]
    public async Task Bad_input_and_wrong_credentials_get_clear_problems()
    {
        var anonymous = Stack.Client();
        var (status, problem) = await anonymous.TryAsync(HttpMethod.Post, "/api/v1/agents/register", new { agentName = " " });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("agentName", out _));

        (status, problem) = await AgentCaller("alk_not-a-key-we-ever-issued").TryAsync(HttpMethod.Get, "/api/v1/agents/me");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", problem.GetProperty("code").GetString());
        (status, problem) = await anonymous.TryAsync(HttpMethod.Get, "/api/v1/agents/me");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthenticated", problem.GetProperty("code").GetString());

        var registration = await RegisterAsync();
        var caller = AgentCaller(registration.ApiKey);
        (status, problem) = await caller.TryAsync(HttpMethod.Post, "/api/v1/agents/connect", new { agents = new[] { new { agentId = "a1", humanName = "A" } } });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("agent_not_claimed", problem.GetProperty("code").GetString());

        var team = await Scenario.TeamAsync(Stack, "Olga");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        foreach (var bad in new object[]
                 {
                     new { agents = Array.Empty<object>() },
                     new { agents = new[] { new { agentId = "has/slash", humanName = "A" } } },
                     new { agents = new[] { new { agentId = "+", humanName = "A" } } },
                     new { agents = new[] { new { agentId = "ok", humanName = "" } } },
                     new { agents = new[] { new { agentId = "twice", humanName = "A" }, new { agentId = "twice", humanName = "B" } } },
                 })
        {
            (status, problem) = await caller.TryAsync(HttpMethod.Post, "/api/v1/agents/connect", bad);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        }
        Assert.Equal(0, await TestEnvironment.ScalarAsync<long>("select count(*) from remote_agents where registration_id = @id", new { id = registration.RegistrationId }));

        // Another registration in the same workspace cannot take an agent id that is in use.
        await caller.PostOkAsync("/api/v1/agents/connect", new { agents = new[] { new { agentId = "shared-name", humanName = "First" } } });
        var second = await RegisterAsync("Second");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{second.RegistrationId}", new { workspaceId = team.WorkspaceId });
        (status, problem) = await AgentCaller(second.ApiKey).TryAsync(HttpMethod.Post, "/api/v1/agents/connect",
            new { agents = new[] { new { agentId = "shared-name", humanName = "Impostor" } } });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("agent_id_taken", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_persons_session_is_not_an_agent_key_and_an_agent_key_is_not_a_session()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var (status, _) = await team.Owner.TryAsync(HttpMethod.Get, "/api/v1/agents/me");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var registration = await RegisterAsync();
        (status, _) = await AgentCaller(registration.ApiKey).TryAsync(HttpMethod.Get, "/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        (status, _) = await AgentCaller(registration.ApiKey).TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/agents");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
