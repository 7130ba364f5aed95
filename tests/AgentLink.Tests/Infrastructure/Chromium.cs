using Microsoft.Playwright;

namespace AgentLink.Tests.Infrastructure;

/// <summary>Debian's Chromium through Playwright (its own browser download cannot run here).</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>A new person in their own browser context (cookie jar), signed up and on the workspaces page.</summary>
    public static async Task<IPage> SignUpAsync(IBrowser browser, string baseUrl, string name)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new() { Width = 1200, Height = 760 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("auth-toggle").ClickAsync();
        await page.FillAsync("input[name=name]", name);
        await page.FillAsync("input[name=email]", ApiClient.UniqueEmail(name));
        await page.FillAsync("input[name=password]", "a good long password");
        await page.GetByTestId("auth-submit").ClickAsync();
        return page;
    }

    /// <summary>Where screenshots go: artifacts/browser/ at the repository root.</summary>
    public static string ScreenshotPath(string file)
    {
        var folder = System.IO.Path.Combine(TestEnvironment.RepoRoot(), "artifacts", "browser");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, file);
    }
}
