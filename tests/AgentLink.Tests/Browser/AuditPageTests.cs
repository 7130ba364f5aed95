using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// Audits in Chromium, with the demo agent running as its own process with its companion auditor (--with-auditor,
/// as infra/run.sh starts it): the demo agent does some work, a person makes the companion the workspace's auditor,
/// runs an audit of the demo agent from the page, watches it judged live over MQTT, applies a recommendation (a task
/// for the demo agent), follows the evidence links, compares two runs, checks the criteria editor's live sum, and
/// searches the demo agent's memories.
/// </summary>
public sealed class AuditPageTests(EmbeddedBrokerFixture fixture) : BrowserTest, IClassFixture<EmbeddedBrokerFixture>
{
    protected override AppStack Stack => fixture.Stack;

    private async Task<Guid> OnlineAsync(Scenario.Team team, string name)
    {
        const string Online = "select count(*) from users u join remote_agents ra on ra.user_id = u.id where ra.workspace_id = @w and u.name = @name and ra.status = 'online'";
        await Stack.EventuallyAsync(Online, new { w = team.WorkspaceId, name }, 1L, TimeSpan.FromSeconds(30));
        return await Stack.ScalarAsync<Guid>("select u.id from users u join remote_agents ra on ra.user_id = u.id where ra.workspace_id = @w and u.name = @name",
            new { w = team.WorkspaceId, name });
    }

    [Fact]
    public async Task A_person_has_the_demo_agent_audited_by_an_auditor_agent_applies_a_recommendation_and_searches_its_memories()
    {
        var team = await Scenario.TeamAsync(Stack, "Audited");
        // The demo agent as infra/run.sh starts it: one registration, one claim, the demo agent and its companion auditor.
        var registration = await new AgentLinkOnboarding(Stack.WebUrl).RegisterAsync("Demo Agent", "demo");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        await using var process = await AgentProcess.StartAsync(Stack.WebUrl, registration.ApiKey, "demo", "Demo Agent", keepAliveSeconds: 5, workSeconds: 0.5,
            extraArgs: ["--with-auditor", "Auditor"]);
        var demo = await OnlineAsync(team, "Demo Agent");
        var auditor = await OnlineAsync(team, "Auditor");

        // The demo agent's work in the window: a task it finishes, with its progress and result in #general.
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title = "Summarise the support queue", assigneeId = demo, channelId = team.GeneralId })).GetProperty("id").GetGuid();
        await Stack.EventuallyAsync("select status from tasks where id = @task", new { task }, "done", TimeSpan.FromSeconds(30));
        await Stack.EventuallyAsync("select count(*) > 0 from agent_memories where agent_user_id = @demo", new { demo }, true, TimeSpan.FromSeconds(30));

        // Every agent's score card; the auditor is chosen in the judge settings.
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}");
        await page.GetByTestId("audits-open").ClickAsync();
        var cards = page.GetByTestId("score-card");
        await Assertions.Expect(cards.Filter(new() { HasText = "Demo Agent" }).GetByTestId("band")).ToHaveTextAsync("Unaudited");
        await page.GetByTestId("judge-settings-edit").ClickAsync();
        await page.GetByTestId("judge-default").SelectOptionAsync("agent");
        await page.GetByTestId("judge-settings").GetByLabel("Auditor", new() { Exact = true }).CheckAsync();
        await page.GetByTestId("judge-settings-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("judge-settings")).ToContainTextAsync("auditors: Auditor");
        await Assertions.Expect(cards.Filter(new() { HasText = "Auditor" }).First).ToContainTextAsync("auditor");
        await AssertAccessibleAsync(page, "the audits overview");

        // The demo agent's page: its rubric's weights must add up to 100, shown live while editing.
        await cards.Filter(new() { HasText = "Demo Agent" }).GetByTestId("score-card-open").ClickAsync();
        await page.GetByTestId("criteria-edit").ClickAsync();
        var weight = page.GetByTestId("criterion-weight").First;
        await weight.FillAsync("40");
        await Assertions.Expect(page.GetByTestId("weight-sum")).ToContainTextAsync("110; they must add up to 100 (10 too many)");
        await Assertions.Expect(page.GetByTestId("criteria-save")).ToBeDisabledAsync();
        await weight.FillAsync("30");
        await Assertions.Expect(page.GetByTestId("weight-sum")).ToHaveTextAsync("Enabled weights add up to 100.");
        await Assertions.Expect(page.GetByTestId("criteria-save")).ToBeEnabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();

        // Run now, judged by the auditor agent over MQTT: the run page turns done live.
        await page.GetByTestId("audit-run-now").ClickAsync();
        await page.GetByTestId("audit-judge").SelectOptionAsync("agent");
        await page.GetByTestId("audit-window").SelectOptionAsync("24h");
        await page.GetByTestId("audit-start").ClickAsync();
        var run = page.GetByTestId("audit-run");
        await Assertions.Expect(run.GetByTestId("audit-status")).ToHaveTextAsync("done", new() { Timeout = 20_000 });
        await Assertions.Expect(run).ToContainTextAsync("judged by an auditor agent (Auditor)");
        await Assertions.Expect(run.GetByTestId("audit-score")).ToHaveCountAsync(5);
        await Assertions.Expect(run.GetByTestId("band")).ToBeVisibleAsync();
        await Assertions.Expect(run.GetByTestId("audit-notes")).ToContainTextAsync("Rule-based demo auditor");
        await Assertions.Expect(run.GetByTestId("finding").Filter(new() { HasText = "Tasks handed back with a result" }).GetByTestId("evidence-link")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^#\d task$"));
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("audit-run.png") });
        await AssertAccessibleAsync(page, "an audit run");

        // Applying the recommendation makes a task for the demo agent, once.
        var recommendation = run.GetByTestId("recommendation").Filter(new() { HasText = "one-line summary" });
        await recommendation.GetByTestId("recommendation-apply").ClickAsync();
        await Assertions.Expect(recommendation.GetByTestId("recommendation-status")).ToContainTextAsync("applied");
        var applied = await Stack.ScalarAsync<long>("select count(*) from tasks where assignee_id = @demo and 'audit' = any(labels)", new { demo });
        Assert.Equal(1L, applied);

        // The evidence link goes back to the task it cites.
        await run.GetByTestId("finding").Filter(new() { HasText = "Tasks handed back with a result" }).GetByTestId("evidence-link").ClickAsync();
        await Assertions.Expect(page.GetByTestId("task-panel")).ToContainTextAsync("Summarise the support queue");
        // And a message it cites opens its channel on that message.
        await page.GoBackAsync();
        await run.Locator("summary", new() { HasText = "Evidence (" }).ClickAsync();
        await run.GetByTestId("evidence-link").Filter(new() { HasText = "message" }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".message.highlight")).ToContainTextAsync("AUD-1");

        // A second run (through the API, judged the same way); the two side by side.
        var second = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{demo}/audits", new { window = "24h" })).GetProperty("id").GetGuid();
        await Stack.EventuallyAsync("select status from audit_runs where id = @second", new { second }, "done", TimeSpan.FromSeconds(20));
        await page.GotoAsync($"/w/{team.WorkspaceId}/audits/agents/{demo}");
        await Assertions.Expect(page.GetByTestId("agent-score-card").GetByTestId("band")).Not.ToHaveTextAsync("Unaudited");
        await Assertions.Expect(page.GetByTestId("run-row")).ToHaveCountAsync(2);
        await page.GetByTestId("run-compare-pick").Nth(0).CheckAsync();
        await page.GetByTestId("run-compare-pick").Nth(1).CheckAsync();
        await page.GetByTestId("run-compare").ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-compare").GetByTestId("compare-row")).ToHaveCountAsync(5);
        await Assertions.Expect(page.GetByTestId("compare-overall-change")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[+−±]\\d"));

        // Then its memories, searched by meaning.
        await page.GotoAsync($"/w/{team.WorkspaceId}/audits/agents/{demo}");
        await page.GetByTestId("agent-score-card").GetByRole(AriaRole.Button, new() { Name = "Memories" }).ClickAsync();
        var memories = page.GetByTestId("memories");
        await memories.GetByTestId("memory-search").FillAsync("what happened with the customer help inbox?");
        await memories.GetByTestId("memory-search-go").ClickAsync();
        await Assertions.Expect(memories.GetByTestId("memory").First).ToContainTextAsync("Summarise the support queue");
        AssertNoPageErrors();
        Assert.NotEqual(Guid.Empty, auditor);
    }

    [Theory]
    [InlineData("audits")]
    [InlineData("agent")]
    [InlineData("run")]
    [InlineData("memories")]
    public async Task The_audit_and_memory_pages_work_at_phone_width(string which)
    {
        var team = await Scenario.TeamAsync(Stack, "Phone audits");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "phone", "Phone Agent", connect: false);
        var audits = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits";
        var run = (await team.Owner.PostOkAsync(audits, new { judge = "person", window = "7d" })).GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/audits/{run}/scores", new
        {
            scores = new[] { "Accuracy", "Consistency", "Responsiveness", "Code Quality", "Communication" }.Select(n => new { criterion = n, score = 80, reasoning = $"{n} is fine, with a long enough explanation to wrap on a phone screen." }),
            notes = "Judged on a phone.",
            recommendations = new[] { new { kind = "action", text = "Answer within the hour, and say when something will take longer than that.", effort = "low", expectedLift = 4 } },
        });
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/memories", new { content = "The phone layout keeps one column", topic = "ui", confidence = 0.7 });
        var (path, ready) = which switch
        {
            "audits" => ($"/w/{team.WorkspaceId}/audits", "score-cards"),
            "agent" => ($"/w/{team.WorkspaceId}/audits/agents/{agent.UserId}", "runs"),
            "run" => ($"/w/{team.WorkspaceId}/audits/runs/{run}", "audit-scores"),
            _ => ($"/w/{team.WorkspaceId}/agents/{agent.UserId}/memories", "memory-list"),
        };
        var page = await OpenAsync(team.Owner, path, Screen.Phone);
        await Assertions.Expect(page.GetByTestId(ready)).ToContainTextAsync(which switch { "run" => "Accuracy", "memories" => "one column", "agent" => "done", _ => "Phone Agent" });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        // Nor does the pane scroll sideways inside itself (a wide table would).
        Assert.True(await page.EvaluateAsync<bool>("() => { const p = document.querySelector('[data-testid=audits], [data-testid=memories]'); return p.scrollWidth <= p.clientWidth; }"),
            "the pane scrolls sideways at phone width");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath($"{which}-phone.png") });
        await AssertAccessibleAsync(page, $"{which} at phone width");
        AssertNoPageErrors();
    }
}
