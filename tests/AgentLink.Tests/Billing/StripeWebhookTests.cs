using System.Net;
using System.Text;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Billing;

/// <summary>Stripe's webhook with payloads signed here: verification, replays, and convergence whatever the order.</summary>
public sealed class StripeWebhookTests(BillingStackFixture fixture) : IClassFixture<BillingStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<(HttpStatusCode Status, JsonElement Body)> DeliverAsync(string body, string? signature = null)
    {
        using var response = await StripeStub.DeliverAsync(Stack.WebUrl, body, signature);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<string?> StatusAsync(Guid workspaceId) =>
        Stack.ScalarAsync<string?>("select status from workspace_subscriptions where workspace_id = @workspaceId", new { workspaceId });

    private static string Sub(string id, string status, Guid workspaceId) => StripeStub.Subscription(id, status, workspaceId);

    [Fact]
    public async Task Only_a_valid_recent_signature_is_accepted_and_a_replay_changes_nothing()
    {
        var team = await Scenario.TeamAsync(Stack, "Signed");
        var sub = $"sub_{Guid.NewGuid():N}";
        var body = StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.created", Sub(sub, "active", team.WorkspaceId), Now);

        var wrong = await DeliverAsync(body, StripeStub.Sign(body, "whsec_someone_else", Now));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_signature"), (wrong.Status, wrong.Body.GetProperty("code").GetString()));
        var stale = await DeliverAsync(body, StripeStub.Sign(body, BillingStackFixture.WebhookSecret, Now - 301));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_signature"), (stale.Status, stale.Body.GetProperty("code").GetString()));
        var tampered = await DeliverAsync(body.Replace("\"active\"", "\"canceled\""), StripeStub.Sign(body, BillingStackFixture.WebhookSecret, Now));
        Assert.Equal(HttpStatusCode.BadRequest, tampered.Status);
        Assert.Null(await StatusAsync(team.WorkspaceId));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from stripe_events where type = 'customer.subscription.created' and received_at > now() - interval '1 minute' and id = @id",
            new { id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() }));

        var ok = await DeliverAsync(body);
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("Applied", ok.Body.GetProperty("outcome").GetString());
        Assert.Equal("active", await StatusAsync(team.WorkspaceId));

        // The same event again (Stripe retries): 200, recorded once, nothing changes, even after the row moved on.
        await Stack.ExecuteAsync("update workspace_subscriptions set status = 'past_due' where workspace_id = @w", new { w = team.WorkspaceId });
        var replay = await DeliverAsync(body);
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (replay.Status, replay.Body.GetProperty("outcome").GetString()));
        Assert.Equal("past_due", await StatusAsync(team.WorkspaceId));
    }

    [Fact]
    public async Task Events_arriving_out_of_order_converge_on_the_newest_state()
    {
        var team = await Scenario.TeamAsync(Stack, "Reordered");
        var sub = $"sub_{Guid.NewGuid():N}";
        var t = Now - 100;

        // updated (newer) before created (older): the older one is ignored.
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated", Sub(sub, "active", team.WorkspaceId), t + 10))).Status);
        var late = await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.created", Sub(sub, "incomplete", team.WorkspaceId), t));
        Assert.Equal("Older", late.Body.GetProperty("outcome").GetString());
        Assert.Equal("active", await StatusAsync(team.WorkspaceId));

        // deleted, then an update from before the deletion arrives late: still canceled.
        await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.deleted", Sub(sub, "canceled", team.WorkspaceId), t + 30));
        var stale = await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated", Sub(sub, "active", team.WorkspaceId), t + 20));
        Assert.Equal("Older", stale.Body.GetProperty("outcome").GetString());
        Assert.Equal("canceled", await StatusAsync(team.WorkspaceId));
        Assert.Equal("free", await Stack.ScalarAsync<string>("select plan from workspace_subscriptions where workspace_id = @w", new { w = team.WorkspaceId }));

        // Two states of the same second: Stripe's current one decides.
        var sub2 = $"sub_{Guid.NewGuid():N}";
        var other = await Scenario.TeamAsync(Stack, "Tied");
        fixture.Stripe.Subscriptions[sub2] = Sub(sub2, "past_due", other.WorkspaceId);
        await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated", Sub(sub2, "active", other.WorkspaceId), t + 40));
        var tie = await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated", Sub(sub2, "incomplete", other.WorkspaceId), t + 40));
        Assert.StartsWith("tie, fetched: Applied", tie.Body.GetProperty("outcome").GetString());
        Assert.Equal("past_due", await StatusAsync(other.WorkspaceId));
    }

    [Fact]
    public async Task Checkout_completion_and_invoices_fetch_the_subscription_and_link_the_customer()
    {
        var team = await Scenario.TeamAsync(Stack, "Checkout");
        var sub = $"sub_{Guid.NewGuid():N}";
        var customer = $"cus_{Guid.NewGuid():N}";
        fixture.Stripe.Subscriptions[sub] = StripeStub.Subscription(sub, "active", team.WorkspaceId, customer);
        var session = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "cs_test_done", ["object"] = "checkout.session", ["mode"] = "subscription", ["customer"] = customer, ["subscription"] = sub,
            ["client_reference_id"] = team.WorkspaceId.ToString(), ["metadata"] = new Dictionary<string, string> { ["workspace_id"] = team.WorkspaceId.ToString() },
        });
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");
        var done = await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "checkout.session.completed", session, Now));
        Assert.Equal(HttpStatusCode.OK, done.Status);
        // Open pages hear of it and reload the standing (the banner goes away live).
        await stream.NextAsync(e => e.Type == "billing.updated");
        Assert.Equal("active", await StatusAsync(team.WorkspaceId));
        Assert.Equal(customer, await Stack.ScalarAsync<string>("select customer_id from workspace_subscriptions where workspace_id = @w", new { w = team.WorkspaceId }));

        // A failed payment: the invoice names the subscription, which Stripe now says is past due.
        fixture.Stripe.Subscriptions[sub] = StripeStub.Subscription(sub, "past_due", null, customer);
        var invoice = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "in_test_1", ["object"] = "invoice", ["customer"] = customer, ["status"] = "open",
            ["parent"] = new Dictionary<string, object?> { ["type"] = "subscription_details", ["subscription_details"] = new Dictionary<string, object?> { ["subscription"] = sub } },
        });
        await Task.Delay(1100); // a fetched state is stamped with the time it was read; the next must be a later second
        await DeliverAsync(StripeStub.Event($"evt_{Guid.NewGuid():N}", "invoice.payment_failed", invoice, Now));
        Assert.Equal("past_due", await StatusAsync(team.WorkspaceId));
        var billing = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing");
        Assert.Equal(("past_due", true, true), (billing.GetProperty("status").GetString(), billing.GetProperty("hasSubscription").GetBoolean(), billing.GetProperty("canManage").GetBoolean()));

        // An unknown subscription is a 502 (Stripe retries), and the event is not recorded.
        var missing = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "in_test_2", ["object"] = "invoice", ["customer"] = customer,
            ["parent"] = new Dictionary<string, object?> { ["type"] = "subscription_details", ["subscription_details"] = new Dictionary<string, object?> { ["subscription"] = "sub_nobody" } },
        });
        var id = $"evt_{Guid.NewGuid():N}";
        var failed = await DeliverAsync(StripeStub.Event(id, "invoice.paid", missing, Now));
        Assert.Equal((HttpStatusCode.BadGateway, "payment_provider_unavailable"), (failed.Status, failed.Body.GetProperty("code").GetString()));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from stripe_events where id = @id", new { id }));
    }

    [Fact]
    public async Task Owners_start_checkout_and_open_the_portal_through_stripe_and_others_may_not()
    {
        var team = await Scenario.TeamAsync(Stack, "Owner pays");
        var member = await Scenario.JoinAsync(Stack, team, "Just A Member");
        var checkout = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing/checkout");
        Assert.Equal("https://checkout.stripe.test/c/cs_test_1", checkout.GetProperty("url").GetString());
        var sent = fixture.Stripe.Requests.Last(r => r.Path == "/v1/checkout/sessions").Form;
        Assert.Equal(team.WorkspaceId.ToString(), sent["metadata[workspace_id]"]);
        Assert.Equal(team.WorkspaceId.ToString(), sent["subscription_data[metadata][workspace_id]"]);
        Assert.Equal("price_pro_test", sent["line_items[0][price]"]);

        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/billing/portal");
        Assert.Equal((HttpStatusCode.Conflict, "no_billing_customer"), (status, problem.GetProperty("code").GetString()));
        await Stack.ExecuteAsync("insert into workspace_subscriptions (workspace_id, customer_id) values (@w, 'cus_portal')", new { w = team.WorkspaceId });
        var portal = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing/portal");
        Assert.Equal("https://billing.stripe.test/p/bps_test_1", portal.GetProperty("url").GetString());
        Assert.Equal("cus_portal", fixture.Stripe.Requests.Last(r => r.Path == "/v1/billing_portal/sessions").Form["customer"]);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/billing/checkout")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/billing/portal")).Status);
        var view = await member.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing");
        Assert.Equal(("trialing", false), (view.GetProperty("license").GetString(), view.GetProperty("canManage").GetBoolean()));
        Assert.Equal(7, view.GetProperty("trialDaysLeft").GetInt32());
    }
}
