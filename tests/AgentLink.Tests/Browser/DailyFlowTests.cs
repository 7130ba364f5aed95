using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// What people do every day, through the page only, at 1280x800 and at 390x844: sign up, create a
/// workspace, invite, browse and join a channel, post with markdown, mention with the autocomplete,
/// reply in a thread, react from the picker, search, DM an agent and watch it think and answer,
/// change a setting. Screenshots of each step go to artifacts/browser/flow-{screen}-*.png.
/// </summary>
public sealed class DailyFlowTests(EmbeddedBrokerFixture fixture) : BrowserTest, IClassFixture<EmbeddedBrokerFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Theory]
    [InlineData(Screen.Desktop)]
    [InlineData(Screen.Phone)]
    public async Task The_daily_flows_work_end_to_end(Screen screen)
    {
        var step = 0;
        async Task Shot(IPage page, string name) =>
            await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath($"flow-{screen.ToString().ToLowerInvariant()}-{++step:D2}-{name}.png") });
        var suffix = Guid.NewGuid().ToString("N")[..6];

        // Sign up and create a workspace.
        var ann = await OpenAsync(null, "/", screen);
        await SignUpAsync(ann, "Ann");
        await Assertions.Expect(ann.GetByTestId("workspace-create")).ToBeVisibleAsync();
        await Shot(ann, "signed-up");
        await ann.GetByTestId("workspace-name").FillAsync($"Flow {suffix}");
        await ann.GetByTestId("workspace-create").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("#general");
        var workspaceId = Guid.Parse(ann.Url.Split("/w/")[1].Split('/')[0]);

        // Invite Bob with a link.
        await (await SidebarAsync(ann)).GetByTestId("invite").ClickAsync();
        await ann.GetByTestId("invite-create").ClickAsync();
        var link = await ann.GetByTestId("invite-link").InputValueAsync();
        await Shot(ann, "invite");
        await ann.Keyboard.PressAsync("Escape");
        var bob = await OpenAsync(null, "/", screen);
        await SignUpAsync(bob, "Bob");
        await Assertions.Expect(bob.GetByTestId("workspace-create")).ToBeVisibleAsync();
        await bob.GotoAsync(link);
        await bob.GetByTestId("invite-accept").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("channel-title")).ToHaveTextAsync("#general");

        // Ann makes a channel; Bob finds it in the browser and joins.
        await (await SidebarAsync(ann)).GetByTestId("new-channel").ClickAsync();
        await ann.GetByTestId("new-channel-name").FillAsync("design");
        await ann.GetByTestId("new-channel-create").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("#design");
        await (await SidebarAsync(bob)).GetByTestId("browse-channels").ClickAsync();
        await bob.GetByTestId("channel-filter").FillAsync("des");
        await Shot(bob, "browse");
        await bob.GetByTestId("browse-design").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("channel-title")).ToHaveTextAsync("#design");
        await Assertions.Expect(bob.GetByTestId("composer")).ToBeEnabledAsync();

        // Markdown.
        await bob.GetByTestId("composer").FillAsync("**Bold plan** with `code`, _care_ and https://example.org/spec\n- first\n- second");
        await bob.GetByTestId("composer").PressAsync("Enter");
        var plan = Message(ann, "Bold plan");
        await Assertions.Expect(plan.GetByTestId("message-text").Locator("strong")).ToHaveTextAsync("Bold plan");
        await Assertions.Expect(plan.Locator("code")).ToHaveTextAsync("code");
        await Assertions.Expect(plan.Locator("em")).ToHaveTextAsync("care");
        await Assertions.Expect(plan.Locator("a")).ToHaveAttributeAsync("href", "https://example.org/spec");
        await Assertions.Expect(plan.Locator("li")).ToHaveCountAsync(2);
        await Shot(ann, "markdown");

        // A mention picked from the autocomplete reaches Bob as a mention of him.
        await ann.GetByTestId("composer").PressSequentiallyAsync("Sprint retro prep, @Bo");
        await Assertions.Expect(ann.GetByTestId("mention-option").First).ToHaveTextAsync("Bob");
        await Shot(ann, "mention-autocomplete");
        await ann.GetByTestId("composer").PressAsync("Enter");
        await ann.GetByTestId("composer").PressSequentiallyAsync("can you check?");
        await ann.GetByTestId("composer").PressAsync("Enter");
        await Assertions.Expect(Message(bob, "Sprint retro prep").Locator(".mention-me")).ToHaveTextAsync("@Bob");

        // A thread.
        var question = Message(bob, "Sprint retro prep");
        await question.HoverAsync();
        await question.GetByTestId("reply").ClickAsync();
        await bob.GetByTestId("thread-composer").FillAsync("On it, tomorrow morning");
        await bob.GetByTestId("thread-composer").PressAsync("Enter");
        await Assertions.Expect(bob.GetByTestId("thread").GetByTestId("message").Filter(new() { HasText = "On it, tomorrow morning" })).ToBeVisibleAsync();
        await Assertions.Expect(bob.GetByTestId("thread-composer")).ToHaveValueAsync("");
        await Shot(bob, "thread");
        await bob.GetByTestId("thread-close").ClickAsync();
        await Assertions.Expect(Message(ann, "Sprint retro prep").GetByTestId("replies")).ToHaveTextAsync("1 reply");

        // A reaction from the picker.
        await plan.HoverAsync();
        await plan.GetByTestId("react-pick").ClickAsync();
        await ann.GetByTestId("emoji-search").FillAsync("rocket");
        await Shot(ann, "emoji-picker");
        await ann.GetByTestId("emoji-option").First.ClickAsync();
        await Assertions.Expect(Message(bob, "Bold plan").GetByTestId("reaction")).ToHaveTextAsync("🚀 1");

        // Search by the start of a word, and open the result in its channel.
        await ann.GetByTestId("search").FillAsync("retr");
        await ann.GetByTestId("search").PressAsync("Enter");
        await Assertions.Expect(ann.GetByTestId("search-result")).ToHaveCountAsync(1);
        await Assertions.Expect(ann.GetByTestId("search-result").Locator("mark")).ToHaveTextAsync("retro");
        await Shot(ann, "search");
        await ann.GetByTestId("search-result").ClickAsync();
        await Assertions.Expect(Message(ann, "Sprint retro prep")).ToBeInViewportAsync();

        // DM an agent: it thinks (busy), then answers.
        var owner = Stack.Client();
        owner.Http.DefaultRequestHeaders.Authorization = new("Bearer", await SessionOfAsync(ann));
        var onboarding = new AgentLinkOnboarding(Stack.WebUrl);
        var registration = await onboarding.RegisterAsync("Helper", "xunit");
        await owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId });
        var info = await onboarding.ConnectAsync(registration.ApiKey, [($"helper-{suffix}", "Helper")]);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var agent = new AgentLinkClient(info, $"helper-{suffix}");
        agent.MessageReceived += async e =>
        {
            await agent.SetStatusAsync("busy");
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await agent.PostAsync(e.Message!.ChannelId, $"Here is a summary of: {e.Message.Text}");
            await agent.SetStatusAsync("online");
        };
        await agent.ConnectAsync();
        var helper = (await SidebarAsync(ann)).GetByTestId("person-Helper");
        await Assertions.Expect(helper.GetByTestId("online")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await helper.ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("Helper");
        await ann.GetByTestId("composer").FillAsync("summarize the design channel");
        await ann.GetByTestId("composer").PressAsync("Enter");
        await Assertions.Expect(ann.GetByTestId("thinking")).ToHaveTextAsync("Helper is thinking…", new() { Timeout = 5000 });
        await Shot(ann, "agent-thinking");
        release.SetResult();
        await Assertions.Expect(Message(ann, "Here is a summary of: summarize the design channel")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Assertions.Expect(ann.GetByTestId("thinking")).ToHaveCountAsync(0);
        await Shot(ann, "agent-answered");

        // Settings: the dark theme, kept after a reload.
        await (await SidebarAsync(ann)).GetByTestId("settings-open").ClickAsync();
        await ann.GetByTestId("theme-dark").CheckAsync();
        await Assertions.Expect(ann.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Shot(ann, "settings");
        await ann.Keyboard.PressAsync("Escape");
        await ann.ReloadAsync();
        await Assertions.Expect(ann.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("Helper");
        await Shot(ann, "dark");
        AssertNoPageErrors();
        lock (NativeDialogs) Assert.Empty(NativeDialogs);
    }

    private static async Task SignUpAsync(IPage page, string name)
    {
        await page.GetByTestId("auth-toggle").ClickAsync();
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(ApiClient.UniqueEmail(name));
        await page.GetByLabel("Password").FillAsync("a good long password");
        await page.GetByTestId("auth-submit").ClickAsync();
    }

    private static async Task<string> SessionOfAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "agentlink_session").Value;
}
