using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>What people expect beyond the daily flows: the threads view, a new name seen by others live,
/// channel details, older history on scrolling up, drafts per channel, the new-messages line.</summary>
public sealed class WorkspaceFeatureTests(RedisStackFixture fixture) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task The_threads_view_lists_my_threads_and_opens_one()
    {
        var team = await Scenario.TeamAsync(Stack, "Thea");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Threads");
        var root = await team.Owner.PostMessageAsync(team.GeneralId, "what ships on Friday?");
        await team.Owner.PostMessageAsync(team.GeneralId, "a message nobody answered");
        var page = await OpenWorkspaceAsync(team.Owner, team);
        await (await SidebarAsync(page)).GetByTestId("threads-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("threads-panel")).ToContainTextAsync("Threads you start or reply in");

        await bob.PostMessageAsync(team.GeneralId, "the new editor", root.GetProperty("id").GetGuid());
        await Assertions.Expect(page.GetByTestId("thread-item")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("thread-item")).ToContainTextAsync("what ships on Friday?");
        await Assertions.Expect(page.GetByTestId("thread-item")).ToContainTextAsync("1 reply");
        await page.GetByTestId("thread-item").ClickAsync();
        await Assertions.Expect(page.GetByTestId("thread")).ToContainTextAsync("the new editor");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task A_pinned_message_shows_for_everyone_live_and_the_pins_list_jumps_to_it()
    {
        var team = await Scenario.TeamAsync(Stack, "Pia");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Pins");
        await team.Owner.PostMessageAsync(team.GeneralId, "the decision we keep coming back to");
        for (var i = 1; i <= 40; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"chatter {i:D2}");
        var page = await OpenWorkspaceAsync(team.Owner, team);
        var bobs = await OpenWorkspaceAsync(bob, team);

        var decision = Message(page, "the decision we keep coming back to");
        await decision.ScrollIntoViewIfNeededAsync();
        await decision.HoverAsync();
        await decision.GetByTestId("pin").ClickAsync();
        await Assertions.Expect(decision.GetByTestId("pinned-label")).ToBeVisibleAsync();
        await Assertions.Expect(bobs.GetByTestId("pins-toggle")).ToHaveTextAsync("📌 1 pinned");

        await Assertions.Expect(Message(bobs, "the decision we keep coming back to")).Not.ToBeInViewportAsync();
        await bobs.GetByTestId("pins-toggle").ClickAsync();
        await bobs.GetByTestId("pin-item").ClickAsync();
        await Assertions.Expect(Message(bobs, "the decision we keep coming back to")).ToBeInViewportAsync();

        await decision.HoverAsync();
        await decision.GetByTestId("pin").ClickAsync();
        await Assertions.Expect(bobs.GetByTestId("pins-toggle")).ToHaveCountAsync(0);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task A_new_name_from_settings_is_seen_by_others_without_a_reload()
    {
        var team = await Scenario.TeamAsync(Stack, "Nina");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Before");
        await bob.PostMessageAsync(team.GeneralId, "hello from bob");
        var owners = await OpenWorkspaceAsync(team.Owner, team);
        await Assertions.Expect(owners.GetByTestId("person-Bob Before")).ToBeVisibleAsync();

        var bobs = await OpenWorkspaceAsync(bob, team);
        await (await SidebarAsync(bobs)).GetByTestId("settings-open").ClickAsync();
        await bobs.GetByTestId("profile-name").FillAsync("Bob After");
        await bobs.GetByTestId("profile-save").ClickAsync();
        await Assertions.Expect(bobs.GetByTestId("settings")).ToContainTextAsync("Name saved.");
        await bobs.Keyboard.PressAsync("Escape");
        await Assertions.Expect(bobs.GetByTestId("sidebar")).ToContainTextAsync("Bob After");

        await Assertions.Expect(owners.GetByTestId("person-Bob After")).ToBeVisibleAsync();
        await Assertions.Expect(Message(owners, "hello from bob")).ToContainTextAsync("Bob After");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Channel_details_rename_set_the_topic_and_add_people()
    {
        var team = await Scenario.TeamAsync(Stack, "Dora");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Added");
        var plans = await team.Owner.CreateChannelAsync(team.WorkspaceId, "plans", isPrivate: true);
        var page = await OpenChannelAsync(team.Owner, team.WorkspaceId, plans, "#plans");
        var bobs = await OpenWorkspaceAsync(bob, team);
        await Assertions.Expect(bobs.GetByTestId("channel-roadmap")).ToHaveCountAsync(0);

        await page.GetByTestId("channel-details-open").ClickAsync();
        await page.GetByTestId("channel-name-input").FillAsync("Roadmap");
        await page.GetByTestId("channel-topic-input").FillAsync("What we build next");
        await page.GetByTestId("channel-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("channel-details")).ToContainTextAsync("Saved.");
        await page.GetByTestId("channel-add-select").SelectOptionAsync(new SelectOptionValue { Label = "Bob Added" });
        await page.GetByTestId("channel-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("channel-members")).ToContainTextAsync("Bob Added");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("channel-title")).ToHaveTextAsync("#roadmap");
        await Assertions.Expect(page.GetByText("What we build next")).ToBeVisibleAsync();

        // Bob was added to a private channel: it appears in his sidebar, live.
        await Assertions.Expect(bobs.GetByTestId("channel-roadmap")).ToBeVisibleAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Older_messages_load_on_scrolling_up_drafts_stay_per_channel_and_a_new_line_marks_the_unread()
    {
        var team = await Scenario.TeamAsync(Stack, "Olga");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Poster");
        for (var i = 1; i <= 70; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"history {i:D2}");
        var side = await team.Owner.CreateChannelAsync(team.WorkspaceId, "side");
        var page = await OpenWorkspaceAsync(team.Owner, team);
        await Assertions.Expect(Message(page, "history 70")).ToBeVisibleAsync();
        await Assertions.Expect(Message(page, "history 05")).ToHaveCountAsync(0);
        for (var i = 0; i < 10 && await Message(page, "history 05").CountAsync() == 0; i++)
            await page.GetByTestId("messages").EvaluateAsync("el => el.scrollTop = 0");
        await Assertions.Expect(Message(page, "history 05")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(70);

        await page.GetByTestId("composer").FillAsync("a draft for general");
        await page.GetByTestId("channel-side").ClickAsync();
        await Assertions.Expect(page.GetByTestId("composer")).ToHaveValueAsync("");
        await page.GoBackAsync();
        await Assertions.Expect(page.GetByTestId("channel-title")).ToHaveTextAsync("#general");
        await Assertions.Expect(page.GetByTestId("composer")).ToHaveValueAsync("a draft for general");

        // Bob writes while the owner is elsewhere: on coming back, "New" sits above Bob's messages.
        await page.GetByTestId("channel-side").ClickAsync();
        await Assertions.Expect(page.GetByTestId("channel-title")).ToHaveTextAsync("#side");
        await bob.PostMessageAsync(team.GeneralId, "while you were away");
        await Assertions.Expect(page.GetByTestId("channel-general").GetByTestId("unread")).ToHaveTextAsync("1");
        await page.GetByTestId("channel-general").ClickAsync();
        var newLine = page.GetByTestId("new-messages");
        await Assertions.Expect(newLine).ToHaveCountAsync(1);
        var next = await newLine.EvaluateAsync<string>("el => el.nextElementSibling.textContent");
        Assert.Contains("while you were away", next);
        AssertNoPageErrors();
    }
}
