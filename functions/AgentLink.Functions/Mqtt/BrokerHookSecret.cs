using System.Security.Cryptography;
using System.Text;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Mqtt;

/// <summary>How a broker proves it may ask the auth hooks: the shared secret in a header.</summary>
public static class BrokerHookSecret
{
    public const string Header = "X-AgentLink-Hook-Secret";

    /// <summary>
    /// Null when the caller may ask; else the refusal. Without a configured secret the hooks are off:
    /// they would let anyone test API keys and learn which channels an agent is in.
    /// </summary>
    public static IResult? Refuse(HttpContext http)
    {
        var secret = http.RequestServices.GetRequiredService<IOptions<MqttOptions>>().Value.HookSecret;
        if (string.IsNullOrEmpty(secret))
            return ApiProblem.Of(StatusCodes.Status403Forbidden, ErrorCodes.HooksDisabled,
                "The broker hooks are off: set AgentLink:Mqtt:HookSecret on the functions host and send it in " + Header + ".");
        var sent = Encoding.UTF8.GetBytes(http.Request.Headers[Header].ToString());
        return CryptographicOperations.FixedTimeEquals(sent, Encoding.UTF8.GetBytes(secret))
            ? null
            : ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidHookSecret, $"Send the configured hook secret in {Header}.");
    }
}
