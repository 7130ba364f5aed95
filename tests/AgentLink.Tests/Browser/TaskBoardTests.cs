using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>The tasks page in Chromium: add, see it live elsewhere, drag across the board, review, comment, list and "my tasks".</summary>
public sealed class TaskBoardTests(RedisStackFixture fixture) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Tasks_are_added_moved_on_the_board_reviewed_and_commented_live_in_every_tab()
    {
        var team = await Scenario.TeamAsync(Stack, "Board");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Tasks");
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Someone else's chore" });
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/tasks");
        var bobs = await OpenAsync(bob, $"/w/{team.WorkspaceId}/tasks");
        await Assertions.Expect(page.GetByTestId("task-card")).ToHaveCountAsync(1);

        await page.GetByTestId("task-title").FillAsync("Draft the launch post");
        await page.GetByTestId("task-assignee").SelectOptionAsync(new SelectOptionValue { Label = "Bob Tasks" });
        await page.GetByTestId("task-priority").SelectOptionAsync("high");
        await page.GetByTestId("task-create").ClickAsync();
        var card = page.GetByTestId("column-todo").GetByTestId("task-card").Filter(new() { HasText = "Draft the launch post" });
        await Assertions.Expect(card).ToContainTextAsync("BOA-2");
        await Assertions.Expect(card).ToContainTextAsync("Bob Tasks");
        await Assertions.Expect(bobs.GetByTestId("column-todo").GetByTestId("task-card").Filter(new() { HasText = "Draft the launch post" })).ToBeVisibleAsync();

        await card.DragToAsync(page.GetByTestId("column-in_progress"));
        await Assertions.Expect(page.GetByTestId("column-in_progress").GetByTestId("task-card")).ToContainTextAsync("Draft the launch post");
        await Assertions.Expect(bobs.GetByTestId("column-in_progress").GetByTestId("task-card")).ToContainTextAsync("Draft the launch post");
        var listed = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?status=in_progress");
        Assert.Equal("Draft the launch post", listed.GetProperty("items")[0].GetProperty("title").GetString());
        var taskId = listed.GetProperty("items")[0].GetProperty("id").GetGuid();

        // Bob hands it back for review with a result; the owner approves it from the panel and comments.
        await bob.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{taskId}", new { status = "pending_review", result = "**Draft** is in the doc" });
        await page.GetByTestId("column-pending_review").GetByTestId("task-card").GetByRole(AriaRole.Button).ClickAsync();
        var panel = page.GetByTestId("task-panel");
        await Assertions.Expect(panel.GetByTestId("task-result").Locator("strong")).ToHaveTextAsync("Draft");
        await panel.GetByTestId("task-comment").FillAsync("Great, shipping it");
        await panel.GetByTestId("task-comment-send").ClickAsync();
        await Assertions.Expect(panel.GetByTestId("task-comments")).ToContainTextAsync("Great, shipping it");
        await panel.GetByTestId("task-approve").ClickAsync();
        await Assertions.Expect(panel.GetByTestId("task-status")).ToHaveValueAsync("done");
        await Assertions.Expect(bobs.GetByTestId("column-done").GetByTestId("task-card")).ToContainTextAsync("Draft the launch post");
        await Assertions.Expect(panel.GetByTestId("task-history")).ToContainTextAsync("commented");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("tasks-board.png") });
        await AssertAccessibleAsync(page, "tasks board with a task open");

        // Bob's own tasks, as a list.
        await bobs.GetByTestId("tasks-list-tab").ClickAsync();
        await Assertions.Expect(bobs.GetByTestId("task-row")).ToHaveCountAsync(2);
        // Select both and move them at once.
        foreach (var box in await bobs.GetByTestId("task-select").AllAsync()) await box.CheckAsync();
        await Assertions.Expect(bobs.GetByTestId("bulk-bar")).ToContainTextAsync("2 selected");
        await bobs.GetByTestId("bulk-status").SelectOptionAsync("backlog");
        await Assertions.Expect(bobs.GetByTestId("task-row").Filter(new() { HasText = "Backlog" })).ToHaveCountAsync(2);
        Assert.Equal(2, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?status=backlog")).GetProperty("items").GetArrayLength());
        await bobs.GetByTestId("tasks-mine").CheckAsync();
        await Assertions.Expect(bobs.GetByTestId("task-row")).ToHaveCountAsync(1);
        await Assertions.Expect(bobs.GetByTestId("task-row")).ToContainTextAsync("Draft the launch post");
        await AssertAccessibleAsync(bobs, "tasks list");
        AssertNoPageErrors();
    }
}
