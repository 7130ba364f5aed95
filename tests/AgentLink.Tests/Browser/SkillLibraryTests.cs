using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>The skills library in Chromium: import with clear errors, read it rendered or as source, assign it, watch delivery turn delivered.</summary>
public sealed class SkillLibraryTests(EmbeddedBrokerFixture fixture) : BrowserTest, IClassFixture<EmbeddedBrokerFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_skill_is_imported_read_assigned_and_its_delivery_turns_delivered_live()
    {
        var team = await Scenario.TeamAsync(Stack, "Library");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "reader", "Skill Reader");
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/skills");
        await Assertions.Expect(page.GetByTestId("skill-list")).ToContainTextAsync("No skills yet");

        await page.GetByTestId("skill-content").FillAsync("---\nname: Bug Triage\ndescription: Triage bugs.\n---\n# Triage\n- label by **area**\n");
        await page.GetByTestId("skill-import").ClickAsync();
        await Assertions.Expect(page.GetByTestId("skill-errors")).ToContainTextAsync("line 2: name:");
        await page.GetByTestId("skill-content").FillAsync("---\nname: bug-triage\ndescription: Triage bugs.\n---\n# Triage\n- label by **area**\n");
        await page.GetByTestId("skill-import").ClickAsync();
        var detail = page.GetByTestId("skill-detail");
        await Assertions.Expect(detail.GetByTestId("skill-rendered").Locator("strong")).ToHaveTextAsync("area");
        await detail.GetByTestId("skill-source-toggle").ClickAsync();
        await Assertions.Expect(detail.GetByTestId("skill-source")).ToContainTextAsync("name: bug-triage");

        await detail.GetByTestId("skill-assign-agent").SelectOptionAsync(new SelectOptionValue { Label = "Skill Reader" });
        await detail.GetByTestId("skill-assign").ClickAsync();
        var delivery = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned");
        await agent.Client.AcknowledgeSkillAsync(delivery.Data.GetProperty("skillId").GetGuid(), delivery.Id);
        await Assertions.Expect(detail.GetByTestId("delivery-status")).ToHaveTextAsync("delivered");

        // Editing makes version 2, which goes to the agent and is pending until its ack; a broken edit says why and saves nothing.
        await detail.GetByTestId("skill-edit").ClickAsync();
        await detail.GetByTestId("skill-edit-content").FillAsync("---\nname: bug-triage\n---\n# Triage\n");
        await detail.GetByTestId("skill-save").ClickAsync();
        await Assertions.Expect(detail.GetByTestId("skill-edit-errors")).ToContainTextAsync("description");
        await detail.GetByTestId("skill-edit-content").FillAsync("---\nname: bug-triage\ndescription: Triage bugs.\n---\n# Triage\n- label by **area**\n- close duplicates\n");
        await detail.GetByTestId("skill-save").ClickAsync();
        await Assertions.Expect(detail.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync("v2");
        await Assertions.Expect(detail.GetByTestId("delivery-status")).ToHaveTextAsync("pending");
        var second = await TestAgent.NextAsync(agent.Skills, e => e.Type == "skill.assigned");
        Assert.Equal(2, second.Data.GetProperty("version").GetInt32());
        await agent.Client.AcknowledgeSkillAsync(second.Data.GetProperty("skillId").GetGuid(), second.Id);
        await Assertions.Expect(detail.GetByTestId("delivery-status")).ToHaveTextAsync("delivered");
        await Assertions.Expect(detail.GetByTestId("skill-source")).ToContainTextAsync("close duplicates");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("skills-library.png") });
        await AssertAccessibleAsync(page, "skills library");
        AssertNoPageErrors();
    }
}
