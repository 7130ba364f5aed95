using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using Stripe;

namespace AgentLink.Functions.Billing;

/// <summary>
/// The one door to Stripe: a client on the configured key (and API origin, which tests point at a
/// local server), and webhook verification with the signing secret. Used only while billing is on.
/// </summary>
public sealed class StripeGateway(IOptions<BillingOptions> options)
{
    private readonly Lazy<StripeClient> _client = new(() =>
        new StripeClient(options.Value.StripeSecretKey ?? throw new InvalidOperationException("Billing is off: no Stripe key."),
            apiBase: string.IsNullOrWhiteSpace(options.Value.StripeApiBase) ? null : options.Value.StripeApiBase.TrimEnd('/')));

    public BillingOptions Options => options.Value;

    public StripeClient Client => _client.Value;

    /// <summary>The event, when the Stripe-Signature header signs this exact body within the tolerance; else a StripeException.</summary>
    public Event Verify(string body, string? signature) =>
        EventUtility.ConstructEvent(body, signature ?? "", options.Value.StripeWebhookSecret, options.Value.WebhookToleranceSeconds,
            throwOnApiVersionMismatch: false);

    public Task<Subscription> GetSubscriptionAsync(string id, CancellationToken ct) =>
        new SubscriptionService(Client).GetAsync(id, cancellationToken: ct);

    /// <summary>Where a person returns to: the configured public URL, else the origin they called from.</summary>
    public string ReturnUrl(HttpRequest req, Guid workspaceId, string? query = null) =>
        $"{(string.IsNullOrWhiteSpace(options.Value.PublicUrl) ? $"{req.Scheme}://{req.Host}" : options.Value.PublicUrl.TrimEnd('/'))}{AgentLink.Core.Billing.License.BillingPath(workspaceId)}{query}";
}
