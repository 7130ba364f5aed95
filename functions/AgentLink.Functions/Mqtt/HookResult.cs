using AgentLink.Core.Options;

namespace AgentLink.Functions.Mqtt;

// Authentication and authorization hooks for an external MQTT broker, of the kind EMQX's HTTP
// authenticator/authorizer and mosquitto-go-auth's HTTP backend call. Every answer is 200 with
// {"result": "allow"|"deny", "ok": bool}: EMQX reads "result", go-auth (JSON response mode) reads
// "ok". README "Wiring an external broker" shows both configurations.

/// <summary>EMQX reads result and is_superuser; mosquitto-go-auth reads ok and error.</summary>
public sealed record HookResult(
    string Result, bool Ok, string? Error = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("is_superuser")] bool IsSuperuser = false)
{
    public static HookResult Allow(bool superuser = false) => new("allow", true, null, superuser);

    public static HookResult Deny(string reason) => new("deny", false, reason);
}

public static class BridgeLogin
{
    /// <summary>The bridge's own login on the external broker; it may use every AgentLink topic.</summary>
    public static bool IsBridge(MqttOptions options, string? username, string? password) =>
        !string.IsNullOrEmpty(options.BridgePassword) && username == options.BridgeUsername
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(password ?? ""), System.Text.Encoding.UTF8.GetBytes(options.BridgePassword));
}
