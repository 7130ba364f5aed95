using System.Net;
using AgentLink.Core.Audits;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Audits;

/// <summary>Audit runs judged by a person: evidence from the window, a rubric snapshot that later edits leave alone, weighted scores, bands and deltas.</summary>
public sealed class AuditRunTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private static object[] All(int score, params string[] names) => names.Select(n => (object)new { criterion = n, score, reasoning = $"{n}: {score}" }).ToArray();

    private static readonly string[] DefaultNames = ["Accuracy", "Consistency", "Responsiveness", "Code Quality", "Communication"];

    [Theory]
    [InlineData(85, "healthy")]
    [InlineData(84.99, "warning")]
    [InlineData(70, "warning")]
    [InlineData(69.99, "critical")]
    public void Bands_change_at_85_and_70(double overall, string band) => Assert.Equal(band, AuditScoring.Band(overall));

    [Fact]
    public void The_overall_score_weights_each_enabled_criterion()
    {
        var scores = new[] { 90, 80, 70, 60, 100 }.Zip(DefaultNames, (s, n) => new CriterionScore(n, s, null)).ToList();
        // 0.30*90 + 0.20*80 + 0.15*70 + 0.20*60 + 0.15*100 = 27 + 16 + 10.5 + 12 + 15
        Assert.Equal(80.5, AuditScoring.Overall(AuditCriteria.Defaults, scores));
    }

    [Fact]
    public async Task A_person_judges_a_run_whose_snapshot_and_scores_stay_as_they_were_after_the_criteria_change()
    {
        var team = await Scenario.TeamAsync(Stack, "Auditors");
        var viewer = await Scenario.JoinAsync(Stack, team, "Vera Viewer", "viewer");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "auditee", "Auditee");
        await agent.Client.PostAsync(team.GeneralId, "Deployed the release to staging.");
        var question = (await team.Owner.PostMessageAsync(team.GeneralId, "How did the deploy go?")).GetProperty("id").GetGuid();
        await agent.Client.PostAsync(team.GeneralId, "Rolled back: the health check failed.", question);
        var said = (await team.Owner.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages")).GetProperty("items").EnumerateArray()
            .Single(m => m.GetProperty("text").GetString() == "Deployed the release to staging.").GetProperty("id").GetGuid();
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Write the changelog", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        await agent.Client.UpdateTaskAsync(task, status: "done", result: "Changelog is in docs/CHANGES.md");
        var path = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits";
        Assert.Equal("unaudited", (await viewer.GetOkAsync(path)).GetProperty("band").GetString());

        var run = await team.Owner.PostOkAsync(path, new { judge = "person", window = "24h" });
        var runId = run.GetProperty("id").GetGuid();
        Assert.Equal(("running", "defaults", 5), (run.GetProperty("status").GetString(), run.GetProperty("criteriaSource").GetString(),
            run.GetProperty("criteria").EnumerateArray().Count(c => c.GetProperty("enabled").GetBoolean())));
        var evidence = run.GetProperty("evidence").EnumerateArray().ToList();
        Assert.Equal(["message", "reply", "task"], evidence.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(said, evidence[0].GetProperty("id").GetGuid());
        Assert.Equal(task, evidence[2].GetProperty("id").GetGuid());

        // Bad scores are refused and change nothing; viewers read but do not judge.
        var (bad, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new { scores = All(90, "Accuracy", "Consistency") });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("Responsiveness", problem.GetProperty("errors").GetProperty("scores")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new { scores = All(101, DefaultNames) })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new { scores = All(90, DefaultNames) })).Status);
        Assert.Equal("running", (await viewer.GetOkAsync($"/api/v1/audits/{runId}")).GetProperty("status").GetString());

        // Findings may only cite this run's criteria and evidence.
        var (badFinding, findingProblem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new
        {
            scores = All(85, DefaultNames),
            findings = new[] { new { severity = "high", title = "Made up", description = "x", criterion = "Accuracy", evidence = new[] { Guid.NewGuid() } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, badFinding);
        Assert.True(findingProblem.GetProperty("errors").TryGetProperty("findings[0].evidence", out _));

        // 85 everywhere: healthy, the baseline; a finding citing the rollback, two recommendations.
        var done = await team.Owner.PostOkAsync($"/api/v1/audits/{runId}/scores", new
        {
            scores = All(85, DefaultNames), notes = "Solid week.",
            findings = new[] { new { severity = "medium", title = "Rolled back a deploy", description = "The health check failed.", criterion = "Accuracy", evidence = new[] { evidence[1].GetProperty("id").GetGuid() } } },
            recommendations = new object[]
            {
                new { kind = "action", text = "Run the health check before announcing a deploy", effort = "low", expectedLift = 5 },
                new { kind = "observation", text = "Replies in threads are clear", effort = (string?)null, expectedLift = (double?)null },
            },
        });
        Assert.Equal("Rolled back a deploy", done.GetProperty("findings")[0].GetProperty("title").GetString());
        var recommendation = done.GetProperty("recommendations")[0];
        Assert.Equal("open", recommendation.GetProperty("status").GetString());

        // Applying the action makes a task for the agent, once; the other is dismissed.
        var applied = await team.Owner.PostOkAsync($"/api/v1/audits/{runId}/recommendations/{recommendation.GetProperty("id").GetGuid()}/apply");
        var taskId = applied.GetProperty("recommendations")[0].GetProperty("taskId").GetGuid();
        var made = await team.Owner.GetOkAsync($"/api/v1/tasks/{taskId}");
        Assert.Equal(("Audit: Run the health check before announcing a deploy", agent.UserId),
            (made.GetProperty("task").GetProperty("title").GetString(), made.GetProperty("task").GetProperty("assignee").GetProperty("id").GetGuid()));
        var dispatched = await TestAgent.NextAsync(agent.Tasks, e => e.Type == "task.assigned" && e.Data.GetProperty("task").GetProperty("id").GetGuid() == taskId);
        Assert.Contains("audit", dispatched.Data.GetProperty("task").GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/recommendations/{recommendation.GetProperty("id").GetGuid()}/apply")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/recommendations/{done.GetProperty("recommendations")[1].GetProperty("id").GetGuid()}/dismiss")).Status);
        var dismissed = await team.Owner.PostOkAsync($"/api/v1/audits/{runId}/recommendations/{done.GetProperty("recommendations")[1].GetProperty("id").GetGuid()}/dismiss");
        Assert.Equal(["applied", "dismissed"], dismissed.GetProperty("recommendations").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(("done", 85.0, "healthy", true), (done.GetProperty("status").GetString(), done.GetProperty("overall").GetDouble(), done.GetProperty("band").GetString(), done.GetProperty("baseline").GetBoolean()));
        Assert.Equal(HttpStatusCode.Conflict, (await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new { scores = All(10, DefaultNames) })).Status);

        // The rubric changes afterwards: the finished run keeps its snapshot and scores; the next run uses the new rubric.
        await team.Owner.OkAsync(HttpMethod.Put, $"/api/v1/workspaces/{team.WorkspaceId}/audits/criteria",
            new { criteria = new[] { new { name = "Accuracy", prompt = "Correct?", weight = 50, enabled = true }, new { name = "Tone", prompt = "Kind?", weight = 50, enabled = true } } });
        var kept = await team.Owner.GetOkAsync($"/api/v1/audits/{runId}");
        Assert.Equal((6, 85.0), (kept.GetProperty("criteria").GetArrayLength(), kept.GetProperty("overall").GetDouble()));
        Assert.Equal(30, kept.GetProperty("criteria")[0].GetProperty("weight").GetInt32());
        var second = await team.Owner.PostOkAsync(path, new { judge = "person", window = "7d" });
        Assert.Equal(("workspace", 2), (second.GetProperty("criteriaSource").GetString(), second.GetProperty("criteria").GetArrayLength()));
        var secondDone = await team.Owner.PostOkAsync($"/api/v1/audits/{second.GetProperty("id").GetGuid()}/scores",
            new { scores = new object[] { new { criterion = "Accuracy", score = 70 }, new { criterion = "Tone", score = 69 } } });
        Assert.Equal((69.5, "critical", -15.5, false), (secondDone.GetProperty("overall").GetDouble(), secondDone.GetProperty("band").GetString(),
            secondDone.GetProperty("delta").GetDouble(), secondDone.GetProperty("baseline").GetBoolean()));
        var card = await viewer.GetOkAsync(path);
        Assert.Equal(("critical", 2), (card.GetProperty("band").GetString(), card.GetProperty("runs").GetArrayLength()));

        // An unknown judge is refused; another workspace sees nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Owner.TryAsync(HttpMethod.Post, path, new { judge = "oracle" })).Status);
        var outsider = (await Scenario.TeamAsync(Stack, "Outsider")).Owner;
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Get, $"/api/v1/audits/{runId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Post, $"/api/v1/audits/{runId}/scores", new { scores = All(1, DefaultNames) })).Status);
    }
}
