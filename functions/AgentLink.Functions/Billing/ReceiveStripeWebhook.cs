using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace AgentLink.Functions.Billing;

/// <summary>
/// Stripe's webhook: verifies the signature over the raw body, handles each event id once, and keeps
/// each workspace's subscription converged whatever order the events come in.
/// </summary>
public sealed class ReceiveStripeWebhook(NpgsqlDataSource dataSource, StripeGateway stripe, EventPublisher events, IOptions<BillingOptions> billing, ILogger<ReceiveStripeWebhook> logger)
{
    public sealed record Received(string EventId, string Type, string Outcome);

    private const string RecordSql = "insert into stripe_events (id, type) values (@id, @type) on conflict (id) do nothing returning true";

    /// <summary>
    /// Stripe calls this with subscription and invoice events (checkout.session.completed,
    /// customer.subscription.created|updated|deleted, invoice.paid, invoice.payment_failed). A bad or
    /// stale signature is 400 invalid_signature; an event seen before is 200 and changes nothing.
    /// </summary>
    [Function(nameof(ReceiveStripeWebhook))]
    [Caller(Caller.Anyone), BodyLimit(512 * 1024)]
    public async Task<Results<Ok<Received>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/billing/stripe/webhook")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!billing.Value.Enabled) return ApiProblem.NotFound(ErrorCodes.BillingDisabled, "Billing");
        using var reader = new StreamReader(req.Body);
        var body = await reader.ReadToEndAsync(ct);
        Event stripeEvent;
        try
        {
            stripeEvent = stripe.Verify(body, req.Headers["Stripe-Signature"]);
        }
        catch (StripeException ex)
        {
            return ApiProblem.BadRequest(ErrorCodes.InvalidSignature, $"The Stripe-Signature does not verify: {ex.Message}");
        }

        // What the event alone does not say is fetched before the transaction: no network call holds a lock.
        Subscription? fetched = null;
        try
        {
            if (SubscriptionToFetch(stripeEvent) is { } subscriptionId) fetched = await stripe.GetSubscriptionAsync(subscriptionId, ct);
        }
        catch (StripeException ex)
        {
            logger.LogWarning(ex, "Stripe event {EventId}: could not fetch its subscription", stripeEvent.Id);
            return ApiProblem.Of(StatusCodes.Status502BadGateway, ErrorCodes.PaymentProviderUnavailable, "Stripe could not be reached to read the subscription; Stripe will retry.");
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<bool?>(Cmd.For(RecordSql, new { id = stripeEvent.Id, type = stripeEvent.Type }, ct, tx)) is null)
            return TypedResults.Ok(new Received(stripeEvent.Id, stripeEvent.Type, "duplicate"));
        var (outcome, changed) = await ApplyAsync(conn, tx, stripeEvent, fetched, ct);
        WorkspaceEvent? told = null;
        if (changed is { } workspace)
            told = await WorkspaceEventLog.AppendAsync(conn, tx, workspace, await WorkspaceEventLog.AllocateAsync(conn, tx, workspace, ct),
                Core.Events.EventTypes.BillingUpdated, null, null, new { workspaceId = workspace }, ct);
        await tx.CommitAsync(ct);
        if (told is not null) await events.PublishAsync(told, ct);
        logger.LogInformation("Stripe event {EventId} {Type}: {Outcome}", stripeEvent.Id, stripeEvent.Type, outcome);
        return TypedResults.Ok(new Received(stripeEvent.Id, stripeEvent.Type, outcome));
    }

    private static string? SubscriptionToFetch(Event e) => e.Data.Object switch
    {
        Session { SubscriptionId: { } id } when e.Type == Stripe.EventTypes.CheckoutSessionCompleted => id,
        Invoice invoice when e.Type is Stripe.EventTypes.InvoicePaid or Stripe.EventTypes.InvoicePaymentFailed => invoice.Parent?.SubscriptionDetails?.SubscriptionId,
        _ => null,
    };

    private async Task<(string Outcome, Guid? Changed)> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Event e, Subscription? fetched, CancellationToken ct)
    {
        var created = DateTime.SpecifyKind(e.Created, DateTimeKind.Utc);
        static (string, Guid?) Of(SubscriptionState.Result r, string prefix = "") =>
            ($"{prefix}{r.Outcome}", r.Outcome == SubscriptionState.Outcome.Applied ? r.WorkspaceId : null);
        switch (e.Data.Object)
        {
            case Session session when e.Type == Stripe.EventTypes.CheckoutSessionCompleted:
                var reference = session.Metadata?.GetValueOrDefault("workspace_id") ?? session.ClientReferenceId;
                if (!Guid.TryParse(reference, out var workspaceId)) return ("ignored: no workspace in the session", null);
                await SubscriptionState.LinkAsync(conn, tx, workspaceId, session.CustomerId, session.SubscriptionId, ct);
                // The fetched subscription is the state as of now, newer than any event already sent.
                return fetched is null ? ("linked", workspaceId) : Of(await SubscriptionState.ApplyAsync(conn, tx, fetched, DateTime.UtcNow, force: false, ct), "linked, ");
            case Subscription sub when e.Type is Stripe.EventTypes.CustomerSubscriptionCreated or Stripe.EventTypes.CustomerSubscriptionUpdated or Stripe.EventTypes.CustomerSubscriptionDeleted:
                var result = await SubscriptionState.ApplyAsync(conn, tx, sub, created, force: false, ct);
                if (result.Outcome != SubscriptionState.Outcome.Tie) return Of(result);
                // Two states from the same second: only Stripe knows which is current, so ask it.
                var current = await stripe.GetSubscriptionAsync(sub.Id, ct);
                return Of(await SubscriptionState.ApplyAsync(conn, tx, current, created, force: true, ct), "tie, fetched: ");
            case Invoice when e.Type is Stripe.EventTypes.InvoicePaid or Stripe.EventTypes.InvoicePaymentFailed:
                return fetched is null ? ("ignored: not a subscription invoice", null) : Of(await SubscriptionState.ApplyAsync(conn, tx, fetched, DateTime.UtcNow, force: false, ct));
            default:
                return ("ignored", null);
        }
    }
}
