using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Audits;

/// <summary>Audit rubrics: workspace defaults, per-agent overrides (inherit, reset), every change a version, weights adding up to 100.</summary>
public sealed class AuditCriteriaTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static object Criterion(string name, int weight, bool enabled = true) => new { name, prompt = $"How good is the agent's {name.ToLowerInvariant()}?", weight, enabled };

    [Fact]
    public async Task Rubrics_start_from_the_defaults_are_versioned_overridden_per_agent_and_refuse_weights_not_adding_to_100()
    {
        var team = await Scenario.TeamAsync(Stack, "Rubrics");
        var member = await Scenario.JoinAsync(Stack, team, "Just Member");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "audited", "Audited", connect: false);
        var workspacePath = $"/api/v1/workspaces/{team.WorkspaceId}/audits/criteria";
        var agentPath = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits/criteria";

        // The reference product's defaults, Security off.
        var defaults = await member.GetOkAsync(workspacePath);
        Assert.Equal(("defaults", 0), (defaults.GetProperty("source").GetString(), defaults.GetProperty("version").GetInt32()));
        Assert.Equal(["Accuracy:30", "Consistency:20", "Responsiveness:15", "Code Quality:20", "Communication:15", "Security:0"],
            defaults.GetProperty("criteria").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("weight").GetInt32()}"));
        Assert.False(defaults.GetProperty("criteria")[5].GetProperty("enabled").GetBoolean());

        // Weights that do not add up to 100 are refused with the sum; nothing is written.
        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Put, workspacePath, new { criteria = new[] { Criterion("Accuracy", 60), Criterion("Tone", 30) } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("add up to 90", problem.GetProperty("errors").GetProperty("weights")[0].GetString());
        // A disabled criterion's weight does not count; duplicates and bad weights are named.
        var (dupStatus, dup) = await team.Owner.TryAsync(HttpMethod.Put, workspacePath, new { criteria = new[] { Criterion("Accuracy", 50), Criterion("accuracy", 50) } });
        Assert.Equal(HttpStatusCode.BadRequest, dupStatus);
        Assert.Contains("twice", dup.GetProperty("errors").GetProperty("criteria")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Owner.TryAsync(HttpMethod.Put, workspacePath, new { criteria = new[] { Criterion("Accuracy", 101) } })).Status);
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from audit_criteria_versions where workspace_id = @w", new { w = team.WorkspaceId }));

        // Members read but do not change.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.TryAsync(HttpMethod.Put, workspacePath, new { criteria = new[] { Criterion("Accuracy", 100) } })).Status);

        // The workspace's own rubric: version 1; the agent inherits it.
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");
        var v1 = await team.Owner.OkAsync(HttpMethod.Put, workspacePath,
            new { criteria = new[] { Criterion(" Accuracy ", 70), Criterion("Tone", 30), Criterion("Security", 40, enabled: false) } });
        Assert.Equal(("workspace", 1, "Accuracy"), (v1.GetProperty("source").GetString(), v1.GetProperty("version").GetInt32(), v1.GetProperty("criteria")[0].GetProperty("name").GetString()));
        await stream.NextAsync(e => e.Type == "audit.criteria_changed");
        var inherited = await member.GetOkAsync(agentPath);
        Assert.Equal(("workspace", 70), (inherited.GetProperty("source").GetString(), inherited.GetProperty("criteria")[0].GetProperty("weight").GetInt32()));

        // The agent's own rubric, then the defaults for it, then back to inheriting: each a version in its history.
        var own = await team.Owner.OkAsync(HttpMethod.Put, agentPath, new { criteria = new[] { Criterion("Speed", 100) } });
        Assert.Equal(("agent", 1), (own.GetProperty("source").GetString(), own.GetProperty("version").GetInt32()));
        var reset = await team.Owner.PostOkAsync($"{agentPath}/reset");
        Assert.Equal(("agent", 2, 6), (reset.GetProperty("source").GetString(), reset.GetProperty("version").GetInt32(), reset.GetProperty("criteria").GetArrayLength()));
        var back = await team.Owner.PostOkAsync($"{agentPath}/inherit");
        Assert.Equal(("workspace", 3), (back.GetProperty("source").GetString(), back.GetProperty("version").GetInt32()));
        Assert.Equal(["inherited", "reset", "edited"], back.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("change").GetString()));
        Assert.Equal("Rubrics", back.GetProperty("history")[0].GetProperty("changedByName").GetString());

        // The workspace back to the defaults: version 2; version 1 stays in its history as it was.
        var defaultsAgain = await team.Owner.PostOkAsync($"{workspacePath}/reset");
        Assert.Equal(2, defaultsAgain.GetProperty("version").GetInt32());
        Assert.Equal(70, defaultsAgain.GetProperty("history")[1].GetProperty("criteria")[0].GetProperty("weight").GetInt32());

        // Another workspace's agent, or another workspace altogether: 404.
        var outsider = (await Scenario.TeamAsync(Stack, "Outsider")).Owner;
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Get, agentPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Put, workspacePath, new { criteria = new[] { Criterion("Accuracy", 100) } })).Status);
    }
}
