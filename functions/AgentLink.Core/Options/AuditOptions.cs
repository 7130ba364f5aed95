namespace AgentLink.Core.Options;

/// <summary>Audits (section AgentLink:Audits): how long judges may take.</summary>
public sealed class AuditOptions
{
    public const string Section = "AgentLink:Audits";

    /// <summary>A run an auditor agent has not answered in this many minutes fails with that reason.</summary>
    public int AgentJudgeTimeoutMinutes { get; set; } = 60;

    /// <summary>A run the LLM judge took but never finished (its instance stopped) fails after this many minutes.</summary>
    public int LlmJudgeTimeoutMinutes { get; set; } = 15;

    /// <summary>Each criterion's call to the model may take this long.</summary>
    public int LlmCallTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Whether a workspace's LLM endpoint may be a private, loopback or link-local address (a local Ollama on a
    /// self-hosted install). Set false on a shared service, so a workspace cannot point the judge at the
    /// service's own network; checked on every connection, after DNS.
    /// </summary>
    public bool AllowPrivateEndpoints { get; set; } = true;

    /// <summary>Each piece of evidence is cut to this many characters in the judge's prompt.</summary>
    public int EvidenceCharsInPrompt { get; set; } = 1000;
}
