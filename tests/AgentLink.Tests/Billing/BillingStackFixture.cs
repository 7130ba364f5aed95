using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Billing;

/// <summary>A stack with billing on (Stripe keys set), its Stripe API pointed at a local stub; with the embedded broker.</summary>
public sealed class BillingStackFixture : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_agentlink_test_secret";

    public AppStack Stack { get; private set; } = null!;

    public StripeStub Stripe { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await StripeStub.StartAsync();
        Stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
        {
            ["AgentLink:Billing:StripeSecretKey"] = "sk_test_agentlink",
            ["AgentLink:Billing:StripeWebhookSecret"] = WebhookSecret,
            ["AgentLink:Billing:ProPriceId"] = "price_pro_test",
            ["AgentLink:Billing:StripeApiBase"] = Stripe.Url,
        }, broker: BrokerMode.Embedded);
    }

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        await Stripe.DisposeAsync();
    }
}
