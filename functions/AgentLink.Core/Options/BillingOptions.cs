namespace AgentLink.Core.Options;

/// <summary>
/// Cloud billing through Stripe (section AgentLink:Billing). Billing is on only when both the secret
/// key and the webhook signing secret are set; otherwise (every self-hosted install by default)
/// nothing is gated and the billing routes say billing is off.
/// </summary>
public sealed class BillingOptions
{
    public const string Section = "AgentLink:Billing";

    /// <summary>Stripe secret API key (sk_live_... or sk_test_...).</summary>
    public string? StripeSecretKey { get; set; }

    /// <summary>The webhook endpoint's signing secret (whsec_...).</summary>
    public string? StripeWebhookSecret { get; set; }

    /// <summary>The Stripe price of the Pro plan ($49 per workspace per month).</summary>
    public string? ProPriceId { get; set; }

    /// <summary>Days of trial from a workspace's creation.</summary>
    public int TrialDays { get; set; } = 7;

    /// <summary>How old a signed webhook may be, in seconds.</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>Another Stripe API origin (tests point it at a local server); Stripe's own when unset.</summary>
    public string? StripeApiBase { get; set; }

    /// <summary>Where people come back to after Checkout and the portal; the request's origin when unset.</summary>
    public string? PublicUrl { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(StripeSecretKey) && !string.IsNullOrWhiteSpace(StripeWebhookSecret);
}
