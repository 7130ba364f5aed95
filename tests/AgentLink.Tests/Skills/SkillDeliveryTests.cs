using System.Net;
using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Skills;

/// <summary>Skills to agents: skill.assigned on the inbox, pending until skill.ack, a new version again, skill.revoked on unassign.</summary>
public sealed class SkillDeliveryTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private const string Skill = "---\nname: triage\ndescription: Triage incoming bugs.\n---\n# Triage\nLabel each bug by area.\n";

    private async Task<string> StatusAsync(ApiClient who, Guid skillId, Guid agentUserId) =>
        (await who.GetOkAsync($"/api/v1/skills/{skillId}/assignments")).EnumerateArray()
            .Single(a => a.GetProperty("agentUserId").GetGuid() == agentUserId).GetProperty("status").GetString()!;

    [Fact]
    public async Task An_assigned_skill_is_delivered_acknowledged_updated_and_revoked_and_an_offline_agent_gets_it_on_return()
    {
        var team = await Scenario.TeamAsync(Stack, "Skills");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "triager", "Triager");
        await using var sleeper = await TestAgent.OnboardAsync(Stack, team, "sleeper", "Sleeper");
        await sleeper.Client.DisconnectAsync();
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill })).GetProperty("id").GetGuid();
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        var assigned = await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = agent.UserId });
        Assert.Equal("pending", assigned.GetProperty("status").GetString());
        var delivery = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned");
        Assert.Equal("triage", delivery.Data.GetProperty("name").GetString());
        Assert.Equal(Skill, delivery.Data.GetProperty("content").GetString());
        Assert.Equal("pending", await StatusAsync(team.Owner, skillId, agent.UserId));

        await agent.Client.AcknowledgeSkillAsync(skillId, delivery.Id);
        var told = await stream.NextAsync(e => e.Type == "skill.delivery" && e.Payload.GetProperty("status").GetString() == "delivered");
        Assert.Equal(agent.UserId, told.Payload.GetProperty("agentUserId").GetGuid());
        Assert.Equal("delivered", await StatusAsync(team.Owner, skillId, agent.UserId));

        // A new version goes out again and is pending until acknowledged; an ack of the old envelope changes nothing.
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill + "Close duplicates.\n" });
        var second = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned");
        Assert.Equal(2, second.Data.GetProperty("version").GetInt32());
        await agent.Client.AcknowledgeSkillAsync(skillId, delivery.Id);
        Assert.Equal("pending", await StatusAsync(team.Owner, skillId, agent.UserId));
        await agent.Client.AcknowledgeSkillAsync(skillId, second.Id);
        await stream.NextAsync(e => e.Type == "skill.delivery" && e.Payload.GetProperty("version").GetInt32() == 2 && e.Payload.GetProperty("status").GetString() == "delivered");

        // The agent lists its skills with its key.
        var key = new ApiClient(new HttpClient { BaseAddress = new Uri(Stack.WebUrl) });
        key.Http.DefaultRequestHeaders.Authorization = new("Bearer", agent.Registration.ApiKey);
        var mine = await key.GetOkAsync("/api/v1/agents/me/skills");
        Assert.Equal(2, mine[0].GetProperty("version").GetInt32());
        Assert.Equal("delivered", mine[0].GetProperty("status").GetString());

        // Offline when assigned: it arrives on return, and is pending until then.
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = sleeper.UserId });
        Assert.Equal("pending", await StatusAsync(team.Owner, skillId, sleeper.UserId));
        await sleeper.NewClient().ConnectAsync();
        var late = await TestAgent.NextAsync(sleeper.Skills, e => e.Type == "skill.assigned", TimeSpan.FromSeconds(15));
        await sleeper.Client.AcknowledgeSkillAsync(skillId, late.Id);
        await Stack.EventuallyAsync("select status from skill_assignments where agent_user_id = @id", new { id = sleeper.UserId }, "delivered");

        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/skills/{skillId}/assignments/{agent.UserId}")).StatusCode);
        var revoked = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.revoked");
        Assert.Equal(skillId, revoked.Data.GetProperty("skillId").GetGuid());
        Assert.Empty((await key.GetOkAsync("/api/v1/agents/me/skills")).EnumerateArray());

        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/skills/{skillId}/assignments", new { agentUserId = team.Owner.UserId });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("agentUserId", out _));
    }

    [Fact]
    public async Task A_delivery_to_an_agent_offline_too_long_fails_and_goes_out_again_after_its_task_when_the_agent_returns()
    {
        var team = await Scenario.TeamAsync(Stack, "Offline skills");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "napper", "Napper");
        await agent.Client.DisconnectAsync();
        await Stack.EventuallyAsync("select status from remote_agents where user_id = @id", new { id = agent.UserId }, "offline");
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill })).GetProperty("id").GetGuid();
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        // While it is away: a task, then the skill.
        var task = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Sort the backlog", assigneeId = agent.UserId });
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = agent.UserId });

        // Not yet offline for long enough: the timer leaves it pending.
        var timers = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<AgentLink.Functions.Skills.FailSkillDeliveriesToOfflineAgents>(Stack.ApiServices)).ToList();
        Assert.Equal(0, (await Task.WhenAll(timers.Select(t => t.RunOnceAsync(CancellationToken.None)))).Sum());
        Assert.Equal("pending", await StatusAsync(team.Owner, skillId, agent.UserId));

        // Offline for an hour: two instances ticking at once fail it once, and the page hears it.
        await Stack.ExecuteAsync("update remote_agents set last_seen = now() - interval '1 hour' where user_id = @id", new { id = agent.UserId });
        Assert.Equal(1, (await Task.WhenAll(timers.Select(t => t.RunOnceAsync(CancellationToken.None)))).Sum());
        var failed = await stream.NextAsync(e => e.Type == "skill.delivery" && e.Payload.GetProperty("status").GetString() == "failed");
        Assert.Equal("agent offline", failed.Payload.GetProperty("error").GetString());
        var row = (await team.Owner.GetOkAsync($"/api/v1/skills/{skillId}/assignments")).EnumerateArray().Single();
        Assert.Equal(("failed", "agent offline"), (row.GetProperty("status").GetString(), row.GetProperty("error").GetString()));

        // Back: the task and then the skill, each once; the delivery is pending again, and delivered only after the ack.
        await agent.NewClient().ConnectAsync();
        await stream.NextAsync(e => e.Type == "skill.delivery" && e.Payload.GetProperty("status").GetString() == "pending");
        var first = await TestAgent.NextAsync(agent.Work, timeout: TimeSpan.FromSeconds(15));
        var second = await TestAgent.NextAsync(agent.Work, timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(("task.assigned", "skill.assigned"), (first.Type, second.Type));
        Assert.Equal(task.GetProperty("id").GetGuid(), first.Data.GetProperty("task").GetProperty("id").GetGuid());
        Assert.Equal("pending", await StatusAsync(team.Owner, skillId, agent.UserId));
        await agent.Client.AcknowledgeSkillAsync(skillId, second.Id);
        await stream.NextAsync(e => e.Type == "skill.delivery" && e.Payload.GetProperty("status").GetString() == "delivered");

        // Nothing else came: a message sent now is the next thing the agent sees.
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        var marker = (await team.Owner.PostMessageAsync(dm, "marker")).GetProperty("id").GetGuid();
        var next = await TestAgent.NextAsync(agent.Inbox, timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(marker, next.Data.GetProperty("message").GetProperty("id").GetGuid());
        Assert.Equal(0, agent.Work.Reader.Count);
    }

    [Fact]
    public async Task A_delivery_that_reached_the_agent_but_was_never_acknowledged_goes_out_again_under_a_new_id_on_return()
    {
        var team = await Scenario.TeamAsync(Stack, "Unacked skills");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "forgetful", "Forgetful");
        var skillId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = Skill })).GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/skills/{skillId}/assignments", new { agentUserId = agent.UserId });
        var lost = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned");
        // Its delivery recorded (the client's PUBACK reached the bridge) before it goes: else the same row, under the same
        // id, is rightly sent again on return (at least once), and that is not what this test is about.
        await Stack.EventuallyAsync("select count(*) from agent_outbox where agent_user_id = @id and delivered_at is null", new { id = agent.UserId }, 0L);

        await agent.Client.DisconnectAsync();
        await Stack.EventuallyAsync("select status from remote_agents where user_id = @id", new { id = agent.UserId }, "offline");
        await agent.NewClient().ConnectAsync();
        var again = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned", TimeSpan.FromSeconds(15));
        Assert.NotEqual(lost.Id, again.Id);
        Assert.Equal(Skill, again.Data.GetProperty("content").GetString());
        await agent.Client.AcknowledgeSkillAsync(skillId, again.Id);
        await Stack.EventuallyAsync("select status from skill_assignments where agent_user_id = @id", new { id = agent.UserId }, "delivered");
    }
}
