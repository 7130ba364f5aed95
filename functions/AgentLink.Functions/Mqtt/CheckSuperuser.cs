using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Mqtt;

public sealed class CheckSuperuser(IOptions<MqttOptions> options)
{
    public sealed record Request(string? Username);

    /// <summary>Broker hook: mosquitto-go-auth asks this before every ACL check; only the bridge is a superuser.</summary>
    [Function(nameof(CheckSuperuser))]
    [Caller(Caller.Broker), RateLimit(RateLimitPolicies.BrokerHooks), JsonBody(typeof(Request))]
    public async Task<Ok<HookResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/mqtt/superuser")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        return TypedResults.Ok(body.Username == options.Value.BridgeUsername && !string.IsNullOrEmpty(options.Value.BridgePassword)
            ? HookResult.Allow(true)
            : HookResult.Deny("Not a superuser."));
    }
}
