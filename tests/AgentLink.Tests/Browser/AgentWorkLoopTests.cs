using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// The whole loop in Chromium with the demo agent running as its own process: a person hands it a
/// repeating task and watches it go in progress and done, with the result in the linked channel and the
/// next instance waiting for its due time; then teaches it a skill, whose delivery turns delivered.
/// </summary>
public sealed class AgentWorkLoopTests(EmbeddedBrokerFixture fixture) : BrowserTest, IClassFixture<EmbeddedBrokerFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_person_gives_the_demo_agent_a_recurring_task_sees_it_worked_live_and_teaches_it_a_skill()
    {
        var team = await Scenario.TeamAsync(Stack, "Loop");
        var onboarding = new AgentLinkOnboarding(Stack.WebUrl);
        var registration = await onboarding.RegisterAsync("Demo Agent", "demo");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        // Two seconds of "work": long enough to see the task in progress.
        await using var agent = await AgentProcess.StartAsync(Stack.WebUrl, registration.ApiKey, "demo", "Demo Agent", keepAliveSeconds: 5, workSeconds: 2);
        await Stack.EventuallyAsync("select count(*) from remote_agents where workspace_id = @ws and status = 'online'", new { ws = team.WorkspaceId }, 1L, TimeSpan.FromSeconds(30));

        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/tasks");
        await page.GetByTestId("task-title").FillAsync("Summarise the support queue");
        await page.GetByTestId("task-assignee").SelectOptionAsync(new SelectOptionValue { Label = "Demo Agent (agent)" });
        await page.GetByTestId("task-channel").SelectOptionAsync(new SelectOptionValue { Label = "#general" });
        await page.GetByTestId("task-recurrence").SelectOptionAsync("rate(1 day)");
        // Due a minute ago, in the page's own time zone: the first instance is worked at once.
        var due = await page.EvaluateAsync<string>("() => { const d = new Date(Date.now() - 60000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); }");
        await page.GetByTestId("task-due").FillAsync(due);
        await page.GetByTestId("task-create").ClickAsync();

        var title = new LocatorFilterOptions { HasText = "Summarise the support queue" };
        await Assertions.Expect(page.GetByTestId("column-in_progress").GetByTestId("task-card").Filter(title)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("column-done").GetByTestId("task-card").Filter(title)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        // The next instance of the series, a day later and assigned to the agent, waits in To do.
        var next = page.GetByTestId("column-todo").GetByTestId("task-card").Filter(title);
        await Assertions.Expect(next).ToContainTextAsync("Demo Agent");

        await page.GetByTestId("column-done").GetByTestId("task-card").Filter(title).GetByRole(AriaRole.Button).ClickAsync();
        var panel = page.GetByTestId("task-panel");
        await Assertions.Expect(panel.GetByTestId("task-result")).ToContainTextAsync("Demo Agent read the task");
        await Assertions.Expect(panel.GetByTestId("task-history")).ToContainTextAsync("Demo Agent moved it to In progress");
        await Assertions.Expect(panel.GetByTestId("task-recurrence-info")).ToContainTextAsync("rate(1 day)");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("agent-loop-task.png") });

        // The linked channel has the agent's progress and result; the next instance is announced,
        // not worked (the agent waits for its due time): its status is still todo after that post.
        await page.GotoAsync($"/w/{team.WorkspaceId}/c/{team.GeneralId}");
        await Assertions.Expect(Message(page, "Working on LOO-1: Summarise the support queue")).ToBeVisibleAsync();
        await Assertions.Expect(Message(page, "LOO-1 is done: Demo Agent read the task")).ToBeVisibleAsync();
        await Assertions.Expect(Message(page, "LOO-2 \"Summarise the support queue\" is next due")).ToBeVisibleAsync();
        var listed = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?recurring=true");
        Assert.Equal(["done", "todo"], listed.GetProperty("items").EnumerateArray().OrderBy(t => t.GetProperty("number").GetInt64()).Select(t => t.GetProperty("status").GetString()));

        // A skill for it: delivered once the agent acknowledges it.
        await page.GotoAsync($"/w/{team.WorkspaceId}/skills");
        await page.GetByTestId("skill-content").FillAsync("---\nname: support-digest\ndescription: How to summarise the support queue.\n---\n# Support digest\nGroup by product, then by severity.\n");
        await page.GetByTestId("skill-import").ClickAsync();
        var detail = page.GetByTestId("skill-detail");
        await detail.GetByTestId("skill-assign-agent").SelectOptionAsync(new SelectOptionValue { Label = "Demo Agent" });
        await detail.GetByTestId("skill-assign").ClickAsync();
        await Assertions.Expect(detail.GetByTestId("delivery-status")).ToHaveTextAsync("delivered", new() { Timeout = 15_000 });

        // What it did, it remembers: the person finds it in the agent's memories by meaning, and teaches it something new.
        await page.GotoAsync($"/w/{team.WorkspaceId}");
        await page.GetByTestId("agent-directory-open").ClickAsync();
        // Its A2A card: for members until the owner makes it public; then anyone reads it.
        var cardHref = await page.GetByTestId("agent-card").First.GetAttributeAsync("href");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await Stack.Client().TryAsync(HttpMethod.Get, cardHref!)).Status);
        await Assertions.Expect(page.GetByTestId("agent-card-visibility").First).ToHaveTextAsync("(members only)");
        await page.GetByTestId("agent-card-toggle").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("agent-card-visibility").First).ToHaveTextAsync("(public)");
        Assert.Equal("Demo Agent", (await Stack.Client().GetOkAsync(cardHref!)).GetProperty("name").GetString());
        await page.GetByTestId("agent-card-describe").First.ClickAsync();
        await page.GetByTestId("agent-card-description-input").FillAsync("Answers questions and works small tasks.");
        await page.GetByTestId("agent-card-description-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("agent-card-description").First).ToHaveTextAsync("Answers questions and works small tasks.");
        Assert.Equal("Answers questions and works small tasks.", (await Stack.Client().GetOkAsync(cardHref!)).GetProperty("description").GetString());
        await Assertions.Expect(page.GetByTestId("mcp-url")).ToContainTextAsync("/mcp");
        await page.GetByTestId("agent-memories").ClickAsync();
        var memories = page.GetByTestId("memories");
        await Assertions.Expect(memories.GetByTestId("memory-content").First).ToContainTextAsync("LOO-1", new() { Timeout = 15_000 });
        await memories.GetByTestId("memory-search").FillAsync("what happened with the customer help inbox?");
        await memories.GetByTestId("memory-search-go").ClickAsync();
        await Assertions.Expect(memories.GetByTestId("memory").First).ToContainTextAsync("Summarise the support queue");
        await Assertions.Expect(memories.GetByTestId("memory").First).ToContainTextAsync("meaning #");
        await memories.GetByTestId("memory-search").FillAsync("");
        await memories.GetByTestId("memory-add-text").FillAsync("The support queue lives in the #support channel");
        await memories.GetByTestId("memory-add").ClickAsync();
        await Assertions.Expect(memories.GetByTestId("memory").Filter(new() { HasText = "#support channel" })).ToContainTextAsync("from a person");
        await memories.GetByTestId("memory").Filter(new() { HasText = "#support channel" }).GetByTestId("memory-pin").ClickAsync();
        await Assertions.Expect(memories.GetByTestId("memory").First).ToContainTextAsync("#support channel");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("agent-memories.png") });
        await AssertAccessibleAsync(page, "agent memories");
        AssertNoPageErrors();
    }

    [Theory]
    [InlineData(Screen.Desktop)]
    [InlineData(Screen.Phone)]
    public async Task The_agents_panel_with_its_A2A_card_controls_fits_desktop_and_phone(Screen screen)
    {
        var team = await Scenario.TeamAsync(Stack, $"Cards {screen}");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "carded", "Carded Agent With A Rather Long Name", connect: false);
        var page = await OpenWorkspaceAsync(team.Owner, team, screen);
        await (await SidebarAsync(page)).GetByTestId("agent-directory-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("agent-card-visibility")).ToHaveTextAsync("(members only)");
        await page.GetByTestId("agent-card-describe").ClickAsync();
        await Assertions.Expect(page.GetByTestId("agent-card-description-input")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the screen");
        Assert.True(await page.GetByTestId("people-dialog").Locator(".scroll").EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth"), "the agents list scrolls sideways");
        var input = (await page.GetByTestId("agent-card-description-input").BoundingBoxAsync())!;
        Assert.True(input.Width >= 150, $"the description field is {input.Width}px wide");
        var save = (await page.GetByTestId("agent-card-description-save").BoundingBoxAsync())!;
        var width = BrowserTest.Size(screen).Width;
        Assert.True(save.X >= 0 && save.X + save.Width <= width, $"Save is at x={save.X} (w={save.Width}) on a {width}px screen");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath($"agents-panel-{screen.ToString().ToLowerInvariant()}.png") });
        await AssertAccessibleAsync(page, $"agents panel ({screen})");
        AssertNoPageErrors();
    }

    [Theory]
    [InlineData("tasks")]
    [InlineData("skills")]
    public async Task The_tasks_and_skills_pages_work_at_phone_width(string pageName)
    {
        var team = await Scenario.TeamAsync(Stack, "Phone");
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Water the plants", priority = "high" });
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = "---\nname: gardening\ndescription: Plants.\n---\nWater weekly.\n" });
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/{pageName}", Screen.Phone);
        if (pageName == "tasks") await Assertions.Expect(page.GetByTestId("task-card")).ToContainTextAsync("Water the plants");
        else await Assertions.Expect(page.GetByTestId("skill-list")).ToContainTextAsync("gardening");
        // Nothing wider than the screen: the page scrolls vertically only (the board scrolls inside itself).
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath($"{pageName}-phone.png") });
        await AssertAccessibleAsync(page, $"{pageName} at phone width");
        AssertNoPageErrors();
    }
}
