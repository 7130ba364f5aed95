using AgentLink.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>The two screen sizes the app is held to: a laptop and a phone.</summary>
public enum Screen { Desktop, Phone }

/// <summary>
/// One Chromium per test class; each person gets their own context (cookie jar). Pages record
/// uncaught errors and native dialogs, which every test may assert never happened.
/// </summary>
public abstract class BrowserTest : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    protected IBrowser Browser { get; private set; } = null!;
    protected List<string> PageErrors { get; } = [];
    protected List<string> NativeDialogs { get; } = [];

    protected abstract AppStack Stack { get; }

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }

    public static ViewportSize Size(Screen screen) => screen == Screen.Phone ? new() { Width = 390, Height = 844 } : new() { Width = 1280, Height = 800 };

    /// <summary>A page signed in as <paramref name="person"/> (its session cookie), at <paramref name="path"/>.</summary>
    protected async Task<IPage> OpenAsync(ApiClient? person, string path, Screen screen = Screen.Desktop)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Stack.WebUrl, ViewportSize = Size(screen), IsMobile = screen == Screen.Phone, HasTouch = screen == Screen.Phone });
        if (person is not null)
            await context.AddCookiesAsync([new Cookie { Name = "agentlink_session", Value = person.Token, Url = Stack.WebUrl }]);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => { lock (PageErrors) PageErrors.Add(error); };
        page.Dialog += async (_, dialog) => { lock (NativeDialogs) NativeDialogs.Add($"{dialog.Type}: {dialog.Message}"); await dialog.DismissAsync(); };
        await page.GotoAsync(path);
        return page;
    }

    protected Task<IPage> OpenWorkspaceAsync(ApiClient person, Scenario.Team team, Screen screen = Screen.Desktop) =>
        OpenChannelAsync(person, team.WorkspaceId, team.GeneralId, "#general", screen);

    protected async Task<IPage> OpenChannelAsync(ApiClient person, Guid workspaceId, Guid channelId, string title, Screen screen = Screen.Desktop)
    {
        var page = await OpenAsync(person, $"/w/{workspaceId}/c/{channelId}", screen);
        await Assertions.Expect(page.GetByTestId("channel-title")).ToHaveTextAsync(title);
        await Assertions.Expect(page.GetByTestId("composer")).ToBeEnabledAsync();
        return page;
    }

    /// <summary>The sidebar: on a phone it is a drawer, opened first.</summary>
    protected static async Task<ILocator> SidebarAsync(IPage page)
    {
        var sidebar = page.GetByTestId("sidebar");
        var menu = page.GetByTestId("menu");
        if (!await sidebar.IsVisibleAsync() && await menu.IsVisibleAsync()) await menu.ClickAsync();
        await Assertions.Expect(sidebar).ToBeVisibleAsync();
        return sidebar;
    }

    protected static ILocator Message(IPage page, string text) => page.GetByTestId("message").Filter(new() { HasText = text });

    /// <summary>Axe on the page as it is: no serious or critical violation.</summary>
    protected static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{what}: " + string.Join("; ", bad.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")));
    }

    protected void AssertNoPageErrors()
    {
        lock (PageErrors) Assert.True(PageErrors.Count == 0, "uncaught errors in the page: " + string.Join(" | ", PageErrors));
    }
}
