using System.Text.Json;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// The real page in Debian's Chromium: two people in two browser contexts (two
/// cookie jars); one sends, the other sees it appear without a reload.
/// Screenshots go to artifacts/browser/ at the repository root.
/// </summary>
public sealed class TwoPeopleChatTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>, IAsyncLifetime
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

    private Task<IPage> SignUpAsync(string name) => Chromium.SignUpAsync(_browser, fixture.Stack.WebUrl, name);

    [Fact]
    public async Task One_person_sends_and_the_other_sees_it_appear_without_a_reload()
    {
        var ann = await SignUpAsync("Ann");
        await ann.GetByTestId("workspace-name").FillAsync("Browser Team");
        await ann.GetByTestId("workspace-create").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("channel-title")).ToHaveTextAsync("#general");
        var workspaceId = ann.Url.Split("/w/")[1].Split('/')[0];
        var invite = await ann.EvaluateAsync<JsonElement>(
            $"fetch('/api/v1/workspaces/{workspaceId}/invites', {{ method: 'POST', headers: {{ 'Content-Type': 'application/json' }}, body: '{{\"role\":\"member\"}}' }}).then(r => r.json())");

        var bob = await SignUpAsync("Bob");
        await Assertions.Expect(bob.GetByTestId("workspace-create")).ToBeVisibleAsync();
        await bob.GotoAsync(invite.GetProperty("url").GetString()!);
        await bob.GetByTestId("invite-accept").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("channel-title")).ToHaveTextAsync("#general");
        // Bob's status stream is open, so Ann sees him come online; Bob sees Ann.
        await Assertions.Expect(bob.GetByTestId("person-Ann").GetByTestId("online")).ToBeVisibleAsync();

        await ann.GetByTestId("composer").FillAsync("Hello Bob, from Ann's browser");
        await Assertions.Expect(bob.GetByTestId("typing")).ToContainTextAsync("Ann is typing");
        await ann.GetByTestId("composer").PressAsync("Enter");

        var arrived = bob.GetByTestId("message-text").Filter(new() { HasText = "Hello Bob, from Ann's browser" });
        await Assertions.Expect(arrived).ToBeVisibleAsync(new() { Timeout = 5000 });

        await bob.GetByTestId("composer").FillAsync("Hi Ann! 👋");
        await bob.GetByTestId("send").ClickAsync();
        await Assertions.Expect(ann.GetByTestId("message-text").Filter(new() { HasText = "Hi Ann! 👋" })).ToBeVisibleAsync();

        await ann.GetByTestId("message").Filter(new() { HasText = "Hi Ann!" }).HoverAsync();
        await ann.GetByTestId("message").Filter(new() { HasText = "Hi Ann!" }).GetByTestId("react").ClickAsync();
        await Assertions.Expect(bob.GetByTestId("reaction")).ToHaveTextAsync("👍 1");

        await bob.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("bob-sees-ann.png") });
        await ann.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("ann-sees-bob.png") });
    }
}
