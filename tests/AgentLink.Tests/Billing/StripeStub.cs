using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentLink.Tests.Billing;

/// <summary>
/// Stands in for api.stripe.com (which these machines cannot reach): Checkout and portal sessions, and
/// subscriptions set by the test. The Stripe.net client talks to it over real HTTP.
/// </summary>
public sealed class StripeStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    public ConcurrentDictionary<string, string> Subscriptions { get; } = new();

    /// <summary>The form bodies Stripe received, by path.</summary>
    public ConcurrentQueue<(string Path, Dictionary<string, string> Form)> Requests { get; } = new();

    public string Url { get; }

    private StripeStub(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First();
    }

    public static async Task<StripeStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StripeStub? stub = null;
        async Task<Dictionary<string, string>> FormAsync(HttpRequest req) =>
            (await req.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        app.MapPost("/v1/checkout/sessions", async (HttpRequest req) =>
        {
            stub!.Requests.Enqueue((req.Path, await FormAsync(req)));
            return Results.Content("""{"id":"cs_test_1","object":"checkout.session","url":"https://checkout.stripe.test/c/cs_test_1"}""", "application/json");
        });
        app.MapPost("/v1/billing_portal/sessions", async (HttpRequest req) =>
        {
            stub!.Requests.Enqueue((req.Path, await FormAsync(req)));
            return Results.Content("""{"id":"bps_test_1","object":"billing_portal.session","url":"https://billing.stripe.test/p/bps_test_1"}""", "application/json");
        });
        app.MapGet("/v1/subscriptions/{id}", (string id) => stub!.Subscriptions.TryGetValue(id, out var json)
            ? Results.Content(json, "application/json")
            : Results.Content("""{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such subscription"}}""", "application/json", statusCode: 404));
        await app.StartAsync();
        stub = new StripeStub(app);
        return stub;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A subscription object as Stripe's API writes it.</summary>
    public static string Subscription(string id, string status, Guid? workspaceId, string customer = "cus_test_1", bool cancelAtPeriodEnd = false, long? periodEnd = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["object"] = "subscription", ["customer"] = customer, ["status"] = status, ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["trial_end"] = null, ["livemode"] = false,
            ["metadata"] = workspaceId is { } w ? new Dictionary<string, string> { ["workspace_id"] = w.ToString() } : new Dictionary<string, string>(),
            ["items"] = new Dictionary<string, object?>
            {
                ["object"] = "list",
                ["data"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["id"] = $"si_{id}", ["object"] = "subscription_item",
                        ["current_period_end"] = periodEnd ?? DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(),
                        ["price"] = new Dictionary<string, object?> { ["id"] = "price_pro_test", ["object"] = "price" },
                    },
                },
            },
        });

    /// <summary>An event around an object, created at <paramref name="created"/> (Unix seconds).</summary>
    public static string Event(string id, string type, string objectJson, long created) =>
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2025-09-30.clover\",\"created\":" + created
        + ",\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"" + type
        + "\",\"data\":{\"object\":" + objectJson + "}}";

    /// <summary>Posts an event to the stack's webhook as Stripe would, signed now with the fixture's secret unless a signature is given.</summary>
    public static async Task<HttpResponseMessage> DeliverAsync(string webUrl, string body, string? signature = null)
    {
        using var http = new HttpClient { BaseAddress = new Uri(webUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? Sign(body, BillingStackFixture.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        return await http.SendAsync(request);
    }

    /// <summary>The Stripe-Signature header Stripe would send for this body, signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string body, string secret, long timestamp)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
