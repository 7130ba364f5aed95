using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// In Chromium: a person claims a registered agent on its claim page, sees it come online,
/// DMs it and reads its answer without a reload, then sees it go offline with a "last seen".
/// </summary>
public sealed class ClaimAndTalkToAnAgentTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>, IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task A_person_claims_an_agent_sees_it_online_DMs_it_and_reads_its_answer()
    {
        var stack = fixture.Stack;
        var ann = await Chromium.SignUpAsync(_browser, stack.WebUrl, "Ann");
        await ann.GetByTestId("workspace-name").FillAsync("Agents Team");
        await ann.GetByTestId("workspace-create").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("#general");

        var onboarding = new AgentLinkOnboarding(stack.WebUrl);
        var registration = await onboarding.RegisterAsync("Helper", "xunit");
        await ann.GotoAsync(registration.ClaimUrl);
        await ann.GetByTestId("claim-submit").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("#general");

        var info = await onboarding.ConnectAsync(registration.ApiKey, [("helper", "Helper")]);
        await using var agent = new AgentLinkClient(info, "helper");
        agent.MessageReceived += async e =>
            await agent.PostAsync(e.Message!.ChannelId, $"Hello {e.Message.Author.Name}, you said: {e.Message.Text}");
        await agent.ConnectAsync();

        var helper = ann.GetByTestId("person-Helper");
        await Assertions.Expect(helper.GetByTestId("online")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await helper.ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("Helper");
        await ann.GetByTestId("composer").FillAsync("what can you do?");
        await ann.GetByTestId("composer").PressAsync("Enter");
        var answer = ann.GetByTestId("message-text").Filter(new() { HasText = "Hello Ann, you said: what can you do?" });
        await Assertions.Expect(answer).ToBeVisibleAsync(new() { Timeout = 5000 });
        await ann.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("ann-talks-to-an-agent.png") });

        await agent.DisconnectAsync();
        await Assertions.Expect(helper.GetByTestId("offline")).ToBeVisibleAsync(new() { Timeout = 5000 });
        await Assertions.Expect(helper.GetByTestId("agent-status")).ToContainTextAsync("last seen");
    }
}
