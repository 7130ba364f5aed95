namespace AgentLink.Core.Options;

/// <summary>Section AgentLink:Secrets: the key stored secrets (LLM API keys) are encrypted with.</summary>
public sealed class SecretOptions
{
    public const string Section = "AgentLink:Secrets";

    /// <summary>Base64 of 32 random bytes. Unset: derived from AgentLink:Auth:SigningSecret.</summary>
    public string? EncryptionKey { get; set; }
}
