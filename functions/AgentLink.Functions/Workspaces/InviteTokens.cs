using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace AgentLink.Functions.Workspaces;

/// <summary>Invite tokens: 32 random bytes handed out once; only their SHA-256 is stored.</summary>
public static class InviteTokens
{
    public static string New() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
