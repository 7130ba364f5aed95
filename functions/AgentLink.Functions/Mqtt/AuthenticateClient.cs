using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using static AgentLink.Functions.Mqtt.BrokerHooksApi;

namespace AgentLink.Functions.Mqtt;

public static class AuthenticateClient
{
    public sealed record Request(string? ClientId, string? Username, string? Password);

    /// <summary>CONNECT check: an agent's username is its user id, its password its API key, its client id its username (or username-suffix).</summary>
    public static async Task<Ok<HookResult>> Handle(Request body, AgentDirectory directory, IOptions<MqttOptions> options, CancellationToken ct)
    {
        if (IsBridge(options.Value, body.Username, body.Password)) return TypedResults.Ok(HookResult.Allow(superuser: true));
        var agent = await directory.AuthenticateAsync(body.Username, body.Password, ct);
        if (agent is null) return TypedResults.Ok(HookResult.Deny("Bad username or password."));
        // A client id is a session: one agent must not be able to take over another's.
        if (!AgentDirectory.OwnsClientId(agent.UserId, body.ClientId))
            return TypedResults.Ok(HookResult.Deny("The client id must be the username, or the username followed by '-' and a suffix."));
        return TypedResults.Ok(HookResult.Allow());
    }
}
