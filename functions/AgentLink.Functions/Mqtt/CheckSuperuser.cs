using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using static AgentLink.Functions.Mqtt.BrokerHooksApi;

namespace AgentLink.Functions.Mqtt;

public static class CheckSuperuser
{
    public sealed record Request(string? Username);

    /// <summary>mosquitto-go-auth asks this before every ACL check; only the bridge is a superuser.</summary>
    public static Ok<HookResult> Handle(Request body, IOptions<MqttOptions> options) =>
        TypedResults.Ok(body.Username == options.Value.BridgeUsername && !string.IsNullOrEmpty(options.Value.BridgePassword)
            ? HookResult.Allow(true)
            : HookResult.Deny("Not a superuser."));
}
