using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Mqtt;

public sealed class AuthenticateClient(AgentDirectory directory, IOptions<MqttOptions> options)
{
    public sealed record Request(string? ClientId, string? Username, string? Password);

    /// <summary>Broker hook, CONNECT: an agent's username is its user id, its password its API key, its client id its username (or username-suffix).</summary>
    [Function(nameof(AuthenticateClient))]
    [Caller(Caller.Broker), RateLimit(RateLimitPolicies.BrokerHooks), JsonBody(typeof(Request))]
    public async Task<Ok<HookResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/mqtt/auth")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        if (BridgeLogin.IsBridge(options.Value, body.Username, body.Password)) return TypedResults.Ok(HookResult.Allow(superuser: true));
        var agent = await directory.AuthenticateAsync(body.Username, body.Password, req.HttpContext.RequestAborted);
        if (agent is null) return TypedResults.Ok(HookResult.Deny("Bad username or password."));
        // A client id is a session: one agent must not be able to take over another's.
        if (!AgentDirectory.OwnsClientId(agent.UserId, body.ClientId))
            return TypedResults.Ok(HookResult.Deny("The client id must be the username, or the username followed by '-' and a suffix."));
        if (await directory.IsPausedAsync(agent, req.HttpContext.RequestAborted))
            return TypedResults.Ok(HookResult.Deny($"license_paused: {AgentLink.Core.Billing.License.PausedDetail}"));
        return TypedResults.Ok(HookResult.Allow());
    }
}
