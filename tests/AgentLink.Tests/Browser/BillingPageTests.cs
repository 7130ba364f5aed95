using AgentLink.Tests.Billing;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>The billing banner and page in Chromium, on a stack with billing on (Stripe is a local stub).</summary>
public sealed class BillingPageTests(BillingStackFixture fixture) : BrowserTest, IClassFixture<BillingStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Past_its_trial_everyone_sees_the_banner_the_owner_upgrades_and_the_banner_goes_away_live()
    {
        var team = await Scenario.TeamAsync(Stack, "Lapsed");
        var member = await Scenario.JoinAsync(Stack, team, "Mia Member");
        await Stack.ExecuteAsync("update workspaces set created_at = now() - interval '9 days' where id = @w", new { w = team.WorkspaceId });

        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}");
        var banner = page.GetByTestId("billing-banner");
        await Assertions.Expect(banner).ToContainTextAsync("agent work is paused");
        var members = await OpenAsync(member, $"/w/{team.WorkspaceId}");
        await Assertions.Expect(members.GetByTestId("billing-banner")).ToContainTextAsync("See billing");

        await banner.GetByTestId("billing-banner-open").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/w/{team.WorkspaceId}/billing$"));
        await Assertions.Expect(page.GetByTestId("billing-status")).ToHaveTextAsync("Paused");
        await Assertions.Expect(page.GetByTestId("billing-plan")).ToContainTextAsync("$49 per workspace per month");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("billing-paused.png") });
        await AssertAccessibleAsync(page, "billing page, paused");

        // Upgrade goes to Stripe Checkout (here the stub's URL, answered in the browser).
        await page.RouteAsync("https://checkout.stripe.test/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<title>Stripe Checkout</title><h1>Checkout</h1>" }));
        await page.GetByTestId("billing-upgrade").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync("https://checkout.stripe.test/c/cs_test_1");

        // Stripe tells us the subscription is active: the member's banner goes away without a reload.
        var body = StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.created",
            StripeStub.Subscription($"sub_{Guid.NewGuid():N}", "active", team.WorkspaceId), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using (var delivered = await StripeStub.DeliverAsync(Stack.WebUrl, body))
            delivered.EnsureSuccessStatusCode();
        await Assertions.Expect(members.GetByTestId("billing-banner")).ToHaveCountAsync(0);
        await members.GetByTestId("billing-open").ClickAsync();
        await Assertions.Expect(members.GetByTestId("billing-status")).ToHaveTextAsync("Active");
        await Assertions.Expect(members.GetByTestId("billing")).ToContainTextAsync("Only the workspace owner can change the plan.");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task The_billing_page_and_banner_work_at_phone_width()
    {
        var team = await Scenario.TeamAsync(Stack, "Lapsed phone");
        await Stack.ExecuteAsync("update workspaces set created_at = now() - interval '9 days' where id = @w", new { w = team.WorkspaceId });
        var page = await OpenAsync(team.Owner, $"/w/{team.WorkspaceId}/billing", Screen.Phone);
        await Assertions.Expect(page.GetByTestId("billing-status")).ToHaveTextAsync("Paused");
        await Assertions.Expect(page.GetByTestId("billing-banner")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone");
        var upgrade = (await page.GetByTestId("billing-upgrade").BoundingBoxAsync())!;
        Assert.True(upgrade.X >= 0 && upgrade.X + upgrade.Width <= 390, $"Upgrade is at x={upgrade.X} (w={upgrade.Width}) on a 390px screen");
        await page.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("billing-phone.png") });
        await AssertAccessibleAsync(page, "billing page at phone width");
        AssertNoPageErrors();
    }
}
