using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace AgentLink.Core.Agents;

/// <summary>
/// Agent API keys: "alk_" + 32 random bytes in base64url, shown once at registration.
/// Only the SHA-256 is stored; with 256 random bits a slow hash would add nothing.
/// </summary>
public static class AgentKeys
{
    public const string Prefix = "alk_";

    public static string New() => Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>True for strings shaped like an agent key (so the session handler leaves them alone).</summary>
    public static bool LooksLikeKey(string? token) => token is { Length: > 10 and < 100 } && token.StartsWith(Prefix, StringComparison.Ordinal);
}
