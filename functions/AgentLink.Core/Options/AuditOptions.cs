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

    /// <summary>
    /// The evidence part of a judge's prompt stays under this many characters (about a quarter as many tokens), so a
    /// model with a small context still answers: the newest evidence that fits goes in, and the prompt says how much
    /// older evidence was left out.
    /// </summary>
    public int EvidenceBudgetChars { get; set; } = 60_000;
}
