using System.IO.Compression;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AgentLink.Tests.Browser;

/// <summary>
/// The README's first-load figure: a workspace with 20 channels and 50 messages, opened in a new
/// browser context (empty cache) until it is usable: the channel's 50 messages shown and the
/// composer enabled. Time is the page's own clock from navigation start. It records the figure
/// (artifacts/browser/first-load.txt) and the bundle's size; it asserts what was shown, not how fast.
/// </summary>
public sealed class FirstLoadMeasurement(RedisStackFixture fixture, ITestOutputHelper output) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    private const int Runs = 7;

    [Fact]
    public async Task First_load_of_a_workspace_with_20_channels_and_50_messages_is_measured()
    {
        var team = await Scenario.TeamAsync(Stack, "Fiona");
        for (var i = 1; i < 20; i++) await team.Owner.CreateChannelAsync(team.WorkspaceId, $"channel-{i:D2}");
        for (var i = 1; i <= 50; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"message {i:D2}: **status** update with `details` and a link https://example.org/{i}");

        var times = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Stack.WebUrl, ViewportSize = Size(Screen.Desktop) });
            await context.AddCookiesAsync([new Cookie { Name = "agentlink_session", Value = team.Owner.Token, Url = Stack.WebUrl }]);
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/w/{team.WorkspaceId}/c/{team.GeneralId}", new() { WaitUntil = WaitUntilState.Commit });
            await page.WaitForFunctionAsync(
                "() => document.querySelectorAll('[data-testid=message]').length === 50 && document.querySelectorAll('[data-testid^=channel-channel-]').length === 19 " +
                "&& document.querySelector('[data-testid=composer]')?.disabled === false",
                null, new() { PollingInterval = null, Timeout = 15_000 });
            times.Add(await page.EvaluateAsync<double>("() => performance.now()"));
            await context.DisposeAsync();
        }

        var sorted = times.Order().ToList();
        var median = sorted[sorted.Count / 2];
        // The files the page loads (a build folder may also hold older hashed files).
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var loaded = System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(Path.Combine(root, "index.html")), "(?:src|href)=\"/(assets/[^\"]+)\"")
            .Select(m => Path.Combine(root, m.Groups[1].Value)).ToList();
        Assert.NotEmpty(loaded);
        var (raw, gzipped) = loaded
            .Select(f => { var bytes = File.ReadAllBytes(f); return (bytes.Length, Gzip(bytes)); })
            .Aggregate((0, 0), (sum, f) => (sum.Item1 + f.Item1, sum.Item2 + f.Item2));
        var report = $"first load to usable (20 channels, 50 messages, empty cache), {Runs} runs: median {median:F0} ms, " +
                     $"min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms ({string.Join(", ", times.Select(t => t.ToString("F0")))})\n" +
                     $"bundle (js + css): {raw / 1024.0:F1} KiB, {gzipped / 1024.0:F1} KiB gzipped\n";
        output.WriteLine(report);
        await File.WriteAllTextAsync(Chromium.ScreenshotPath("first-load.txt"), report);
        Assert.Equal(Runs, times.Count);
    }

    private static int Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return (int)buffer.Length;
    }
}
