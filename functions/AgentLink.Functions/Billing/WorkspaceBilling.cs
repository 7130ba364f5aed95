using AgentLink.Core.Billing;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace AgentLink.Functions.Billing;

/// <summary>A workspace's plan and license, and the owner's ways to pay: Checkout and the Customer Portal.</summary>
public sealed class WorkspaceBilling(NpgsqlDataSource dataSource, StripeGateway stripe, IOptions<BillingOptions> billing, TimeProvider clock, ILogger<WorkspaceBilling> logger)
{
    public sealed record BillingView(
        bool Enabled, string License, string Plan, string? Status, DateTime? TrialEndsAt, int? TrialDaysLeft, DateTime? CurrentPeriodEnd,
        bool CancelAtPeriodEnd, bool HasSubscription, bool HasCustomer, bool CanManage, string PriceLabel);

    public sealed record RedirectView(string Url);

    /// <summary>
    /// The workspace's standing for every member (the page shows a banner when it is paused or past due);
    /// billing off (self-hosted) is always active.
    /// </summary>
    [Function("GetWorkspaceBilling")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<BillingView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/billing")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var s = (await License.ReadAsync(conn, workspaceId, billing.Value, now, ct))!;
        var owner = FunctionGate.WorkspaceRole(req.HttpContext) == Roles.Owner;
        if (!billing.Value.Enabled)
            return TypedResults.Ok(new BillingView(false, License.Active, s.Plan, null, null, null, null, false, false, false, false, "Self-hosted: no billing"));
        var daysLeft = s.TrialEndsAt > now ? (int)Math.Ceiling((s.TrialEndsAt - now).TotalDays) : 0;
        return TypedResults.Ok(new BillingView(true, s.License, s.Plan, s.Status, s.TrialEndsAt, daysLeft, s.CurrentPeriodEnd,
            s.CancelAtPeriodEnd, s.SubscriptionId is not null, s.CustomerId is not null, owner, "Pro: $49 per workspace per month"));
    }

    /// <summary>Starts a Stripe Checkout for the Pro plan (owners); answers the URL to send the browser to.</summary>
    [Function("StartCheckout")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Owner)]
    public async Task<Results<Ok<RedirectView>, ProblemHttpResult>> Checkout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/billing/checkout")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!billing.Value.Enabled) return ApiProblem.Conflict(ErrorCodes.BillingDisabled, "Billing is off on this install: nothing to pay.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var s = (await License.ReadAsync(conn, workspaceId, billing.Value, clock.GetUtcNow().UtcDateTime, ct))!;
        if (s.Status is "active" or "trialing" or "past_due")
            return ApiProblem.Conflict(ErrorCodes.InvalidRequest, "This workspace already has a subscription; manage it in the billing portal.");
        var metadata = new Dictionary<string, string> { ["workspace_id"] = workspaceId.ToString() };
        var options = new SessionCreateOptions
        {
            Mode = "subscription",
            LineItems = [new SessionLineItemOptions { Price = billing.Value.ProPriceId, Quantity = 1 }],
            ClientReferenceId = workspaceId.ToString(),
            Customer = s.CustomerId,
            Metadata = metadata,
            SubscriptionData = new SessionSubscriptionDataOptions { Metadata = metadata },
            SuccessUrl = stripe.ReturnUrl(req, workspaceId, "?checkout=done"),
            CancelUrl = stripe.ReturnUrl(req, workspaceId, "?checkout=cancelled"),
        };
        return await CallStripeAsync(async () => new RedirectView((await new SessionService(stripe.Client).CreateAsync(options, cancellationToken: ct)).Url));
    }

    /// <summary>Opens the Stripe Customer Portal for the workspace's customer (owners): invoices, card, cancel.</summary>
    [Function("OpenBillingPortal")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Owner)]
    public async Task<Results<Ok<RedirectView>, ProblemHttpResult>> Portal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/billing/portal")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!billing.Value.Enabled) return ApiProblem.Conflict(ErrorCodes.BillingDisabled, "Billing is off on this install: nothing to manage.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var s = (await License.ReadAsync(conn, workspaceId, billing.Value, clock.GetUtcNow().UtcDateTime, ct))!;
        if (s.CustomerId is not { } customer)
            return ApiProblem.Conflict(ErrorCodes.NoBillingCustomer, "This workspace has never subscribed; start with an upgrade.");
        var options = new Stripe.BillingPortal.SessionCreateOptions { Customer = customer, ReturnUrl = stripe.ReturnUrl(req, workspaceId) };
        return await CallStripeAsync(async () => new RedirectView((await new Stripe.BillingPortal.SessionService(stripe.Client).CreateAsync(options, cancellationToken: ct)).Url));
    }

    private async Task<Results<Ok<RedirectView>, ProblemHttpResult>> CallStripeAsync(Func<Task<RedirectView>> call)
    {
        try
        {
            return TypedResults.Ok(await call());
        }
        catch (StripeException ex)
        {
            logger.LogWarning(ex, "Stripe refused or could not be reached");
            return ApiProblem.Of(StatusCodes.Status502BadGateway, ErrorCodes.PaymentProviderUnavailable, "The payment provider could not start the session; try again shortly.");
        }
    }
}
