using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>
/// A message older than the history the page has loaded (50 at a time): a search result or a link to it
/// (?m=, as the audit page's evidence links use) pages back until it is there, then shows it highlighted.
/// </summary>
public sealed class OldMessageLinkTests(RedisStackFixture fixture) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    private async Task<(Scenario.Team Team, Guid OldId)> LongHistoryAsync(string name)
    {
        var team = await Scenario.TeamAsync(Stack, name);
        var old = (await team.Owner.PostMessageAsync(team.GeneralId, "the zeppelin budget was approved")).GetProperty("id").GetGuid();
        // Three pages' worth after it, so it is two pages back from what the channel first shows.
        for (var i = 0; i < 130; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"filler {i}");
        return (team, old);
    }

    [Fact]
    public async Task A_search_result_older_than_the_loaded_history_is_paged_back_to_and_highlighted()
    {
        var (team, old) = await LongHistoryAsync("Paging");
        var page = await OpenWorkspaceAsync(team.Owner, team);
        await Assertions.Expect(Message(page, "filler 129")).ToBeVisibleAsync();
        await Assertions.Expect(Message(page, "the zeppelin budget")).ToHaveCountAsync(0);
        await page.GetByTestId("search").FillAsync("zeppelin");
        await page.GetByTestId("search").PressAsync("Enter");
        await page.GetByTestId("search-result").First.ClickAsync();
        var target = page.Locator($"[data-id=\"{old}\"]");
        await Assertions.Expect(target).ToBeInViewportAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(target).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("highlight"));
        AssertNoPageErrors();
    }

    [Fact]
    public async Task A_link_to_an_old_message_opens_its_channel_on_it()
    {
        var (team, old) = await LongHistoryAsync("Linking");
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/c/{team.GeneralId}?m={old}");
        var target = page.Locator($"[data-id=\"{old}\"]");
        await Assertions.Expect(target).ToBeInViewportAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(target).ToContainTextAsync("the zeppelin budget was approved");
        AssertNoPageErrors();
    }
}
