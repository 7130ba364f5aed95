using System.Security.Cryptography;
using System.Text;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Security;

/// <summary>
/// Encrypts secrets people give us to keep (an LLM API key) for storage: AES-256-GCM, a random nonce per
/// value, the purpose as associated data (a ciphertext moved to another column does not open). The key is
/// AgentLink:Secrets:EncryptionKey (base64, 32 bytes) when set, otherwise derived from the session signing
/// secret, so an install has one without another setting; rotating either makes stored secrets unreadable,
/// and they are entered again.
/// </summary>
public sealed class SecretBox
{
    private const byte Version = 1;
    private readonly byte[] _key;

    public SecretBox(IOptions<SecretOptions> secrets, IOptions<AuthOptions> auth)
    {
        if (!string.IsNullOrWhiteSpace(secrets.Value.EncryptionKey))
        {
            _key = Convert.FromBase64String(secrets.Value.EncryptionKey);
            if (_key.Length != 32) throw new InvalidOperationException("AgentLink:Secrets:EncryptionKey must be 32 bytes, base64.");
        }
        else
        {
            _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(auth.Value.SigningSecret), 32, info: "agentlink secrets v1"u8.ToArray());
        }
    }

    public byte[] Seal(string plaintext, string purpose)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[1 + 12 + 16 + data.Length];
        sealedBytes[0] = Version;
        nonce.CopyTo(sealedBytes, 1);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(29), sealedBytes.AsSpan(13, 16), Encoding.UTF8.GetBytes(purpose));
        return sealedBytes;
    }

    /// <summary>The secret, or null when it cannot be opened (another key, another purpose, damaged).</summary>
    public string? Open(byte[] sealedBytes, string purpose)
    {
        if (sealedBytes.Length < 29 || sealedBytes[0] != Version) return null;
        var plain = new byte[sealedBytes.Length - 29];
        try
        {
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(sealedBytes.AsSpan(1, 12), sealedBytes.AsSpan(29), sealedBytes.AsSpan(13, 16), plain, Encoding.UTF8.GetBytes(purpose));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException) { return null; }
    }
}
