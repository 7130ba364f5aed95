using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AgentLink.Core.Options;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Auth;

/// <summary>
/// A session token is "{session id + expiry}.{HMAC-SHA256}" in base64url. The
/// signature lets every host reject forged tokens without a lookup; the
/// sessions row (checked after) makes sign-out effective everywhere.
/// </summary>
public sealed class SessionTokens(IOptions<AuthOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.SigningSecret);

    public string Issue(Guid sessionId, DateTimeOffset expiresAt)
    {
        Span<byte> payload = stackalloc byte[24];
        sessionId.TryWriteBytes(payload[..16]);
        BinaryPrimitives.WriteInt64BigEndian(payload[16..], expiresAt.ToUnixTimeSeconds());
        var signature = HMACSHA256.HashData(_key, payload);
        return WebEncoders.Base64UrlEncode(payload.ToArray()) + "." + WebEncoders.Base64UrlEncode(signature);
    }

    /// <summary>The session id, when the token is well formed, correctly signed and not expired.</summary>
    public Guid? Read(string? token, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return null;
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        byte[] payload, signature;
        try
        {
            payload = WebEncoders.Base64UrlDecode(token, 0, dot);
            signature = WebEncoders.Base64UrlDecode(token, dot + 1, token.Length - dot - 1);
        }
        catch (FormatException)
        {
            return null;
        }
        if (payload.Length != 24) return null;
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, payload), signature)) return null;
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(16)));
        return expires > now ? new Guid(payload.AsSpan(0, 16)) : null;
    }
}
