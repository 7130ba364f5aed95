using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// axe-core (Deque.AxeCore.Playwright) on every main page and dialog, in the light and the dark
/// theme, at both screen sizes: no serious or critical violation.
/// </summary>
public sealed class AccessibilityTests(RedisStackFixture fixture) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Theory]
    [InlineData(Screen.Desktop, "light")]
    [InlineData(Screen.Desktop, "dark")]
    [InlineData(Screen.Phone, "light")]
    public async Task Every_main_page_and_dialog_has_no_serious_or_critical_violation(Screen screen, string theme)
    {
        var team = await Scenario.TeamAsync(Stack, "Ada");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Reader");
        var root = await team.Owner.PostMessageAsync(team.GeneralId, "**Plan** for the `retro`: see https://example.org\n- one\n- two");
        await bob.PostMessageAsync(team.GeneralId, $"<@{team.Owner.UserId}> agreed", root.GetProperty("id").GetGuid());
        await bob.PostOkAsync($"/api/v1/messages/{root.GetProperty("id").GetGuid()}/reactions", new { emoji = "🎉" });
        var token = await team.Owner.InviteAsync(team.WorkspaceId);

        var signIn = await OpenAsync(null, "/", screen);
        await SetThemeAsync(signIn, theme);
        await Assertions.Expect(signIn.GetByTestId("auth-submit")).ToBeVisibleAsync();
        await AssertAccessibleAsync(signIn, "sign-in");
        await signIn.GetByTestId("auth-toggle").ClickAsync();
        await AssertAccessibleAsync(signIn, "sign-up");

        var page = await OpenAsync(team.Owner, "/", screen);
        await SetThemeAsync(page, theme);
        await Assertions.Expect(page.GetByTestId("workspace-item")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "workspaces");

        await page.GotoAsync($"/w/{team.WorkspaceId}/c/{team.GeneralId}");
        await Assertions.Expect(Message(page, "Plan")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "channel");

        await Message(page, "Plan").GetByTestId("replies").ClickAsync();
        await Assertions.Expect(page.GetByTestId("thread")).ToContainTextAsync("agreed");
        await AssertAccessibleAsync(page, "thread");
        await page.GetByTestId("thread-close").ClickAsync();

        await page.GetByTestId("search").FillAsync("retr");
        await page.GetByTestId("search").PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("search-result")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(page, "search results");
        await page.GetByTestId("search-result").ClickAsync();

        foreach (var (button, dialog) in new[] { ("browse-channels", "channel-browser"), ("new-channel", "new-channel-dialog"), ("people-directory", "people-dialog"), ("agent-directory-open", "people-dialog"), ("settings-open", "settings") })
        {
            var sidebar = await SidebarAsync(page);
            await sidebar.GetByTestId(button).ClickAsync();
            await Assertions.Expect(page.GetByTestId(dialog)).ToBeVisibleAsync();
            await AssertAccessibleAsync(page, dialog);
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.GetByTestId(dialog)).ToHaveCountAsync(0);
        }
        await Message(page, "Plan").HoverAsync();
        await Message(page, "Plan").GetByTestId("react-pick").ClickAsync();
        await Assertions.Expect(page.GetByTestId("emoji-picker")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "emoji picker");
        await page.Keyboard.PressAsync("Escape");

        var stranger = await Stack.Client().SignUpAsync("Stranger");
        var invite = await OpenAsync(stranger, $"/invite/{token}", screen);
        await SetThemeAsync(invite, theme);
        await Assertions.Expect(invite.GetByTestId("invite-accept")).ToBeVisibleAsync();
        await AssertAccessibleAsync(invite, "invite");
        await invite.GotoAsync("/no/such/page");
        await Assertions.Expect(invite.GetByTestId("not-found")).ToBeVisibleAsync();
        await AssertAccessibleAsync(invite, "not found");
        AssertNoPageErrors();
    }

    private static async Task SetThemeAsync(IPage page, string theme)
    {
        await page.EvaluateAsync("t => { localStorage.setItem('agentlink:theme', t); document.documentElement.dataset.theme = t; }", theme);
    }
}
