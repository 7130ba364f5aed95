using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Mqtt;

/// <summary>
/// Authentication and authorization hooks for an external MQTT broker, of the kind EMQX's
/// HTTP authenticator/authorizer and mosquitto-go-auth's HTTP backend call. Every answer is
/// 200 with {"result": "allow"|"deny", "ok": bool}: EMQX reads "result", go-auth (JSON
/// response mode) reads "ok". README "Wiring an external broker" shows both configurations.
/// </summary>
public static class BrokerHooksApi
{
    public const string SecretHeader = "X-AgentLink-Hook-Secret";

    public static RouteGroupBuilder MapBrokerHooksApi(this RouteGroupBuilder v1)
    {
        var hooks = v1.MapGroup("/mqtt").WithTags("Broker hooks").AllowAnonymous().AddEndpointFilter(RequireHookSecret);
        hooks.MapPost("/auth", AuthenticateClient.Handle);
        hooks.MapPost("/acl", AuthorizeTopic.Handle);
        hooks.MapPost("/superuser", CheckSuperuser.Handle);
        return v1;
    }

    /// <summary>EMQX reads result and is_superuser; mosquitto-go-auth reads ok and error.</summary>
    public sealed record HookResult(
        string Result, bool Ok, string? Error = null,
        [property: System.Text.Json.Serialization.JsonPropertyName("is_superuser")] bool IsSuperuser = false)
    {
        public static HookResult Allow(bool superuser = false) => new("allow", true, null, superuser);

        public static HookResult Deny(string reason) => new("deny", false, reason);
    }

    /// <summary>With AgentLink:Mqtt:HookSecret set, only a broker that sends it may ask.</summary>
    private static async ValueTask<object?> RequireHookSecret(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var secret = context.HttpContext.RequestServices.GetRequiredService<IOptions<MqttOptions>>().Value.HookSecret;
        if (!string.IsNullOrEmpty(secret)
            && !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers[SecretHeader].ToString()),
                System.Text.Encoding.UTF8.GetBytes(secret)))
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidHookSecret, $"Send the configured hook secret in {SecretHeader}.");
        return await next(context);
    }

    /// <summary>The bridge's own login on the external broker; it may use every AgentLink topic.</summary>
    public static bool IsBridge(MqttOptions options, string? username, string? password) =>
        !string.IsNullOrEmpty(options.BridgePassword) && username == options.BridgeUsername
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(password ?? ""), System.Text.Encoding.UTF8.GetBytes(options.BridgePassword));
}
