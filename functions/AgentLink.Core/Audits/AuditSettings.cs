using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Security;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>A workspace's audit settings as people see them: the key is never shown, only whether one is set.</summary>
public sealed record AuditSettingsView(string Judge, string? LlmEndpoint, string? LlmModel, bool LlmKeySet, Guid[] AuditorAgentIds, bool Paused, DateTime? UpdatedAt);

/// <summary>Who judges a workspace's audits (person, llm, agent), the LLM's endpoint, model and sealed key, its auditor agents, and the pause switch.</summary>
public static class AuditSettings
{
    public const string KeyPurpose = "audit-llm-key";
    public static readonly string[] Judges = ["person", "llm", "agent"];

    private sealed record Row(string Judge, string? LlmEndpoint, string? LlmModel, byte[]? LlmKey, bool Paused, DateTime UpdatedAt);

    private const string RowSql = "select judge, llm_endpoint, llm_model, llm_key, paused, updated_at from audit_settings where workspace_id = @workspaceId";
    private const string AuditorsSql = "select user_id from remote_agents where workspace_id = @workspaceId and auditor order by user_id";

    public static async Task<AuditSettingsView> GetAsync(IDbConnection conn, Guid workspaceId, CancellationToken ct, IDbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(RowSql, new { workspaceId }, ct, tx));
        var auditors = (await conn.QueryAsync<Guid>(Cmd.For(AuditorsSql, new { workspaceId }, ct, tx))).ToArray();
        return new AuditSettingsView(row?.Judge ?? "person", row?.LlmEndpoint, row?.LlmModel, row?.LlmKey is not null, auditors, row?.Paused ?? false, row?.UpdatedAt);
    }

    /// <summary>The LLM judge's settings with its key opened, or why there are none.</summary>
    public static async Task<(LlmJudgeSettings? Settings, string? Problem)> LlmAsync(IDbConnection conn, Guid workspaceId, SecretBox secrets, CancellationToken ct, IDbTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(RowSql, new { workspaceId }, ct, tx));
        if (row?.LlmEndpoint is null || row.LlmModel is null) return (null, "No LLM judge is configured: set its endpoint and model in the audit settings.");
        string key;
        if (row.LlmKey is null) key = "none"; // A local model (Ollama) takes no key; the client still needs one to send.
        else if (secrets.Open(row.LlmKey, KeyPurpose) is { } opened) key = opened;
        else return (null, "The LLM judge's API key cannot be read (the encryption key changed); enter it again in the audit settings.");
        return (new LlmJudgeSettings(new Uri(row.LlmEndpoint), row.LlmModel, key), null);
    }

    private const string UpsertSql = """
        insert into audit_settings (workspace_id, judge, llm_endpoint, llm_model, llm_key, paused, updated_by, updated_at)
        values (@workspaceId, @judge, @endpoint, @model, @key, @paused, @userId, now())
        on conflict (workspace_id) do update set judge = excluded.judge, llm_endpoint = excluded.llm_endpoint, llm_model = excluded.llm_model,
            llm_key = case when @keepKey then audit_settings.llm_key else excluded.llm_key end,
            paused = excluded.paused, updated_by = excluded.updated_by, updated_at = now()
        """;

    private const string MarkAuditorsSql = """
        update remote_agents set auditor = (user_id = any(@auditors))
        where workspace_id = @workspaceId and auditor <> (user_id = any(@auditors))
        """;

    /// <summary>
    /// Saves the settings. <paramref name="sealedKey"/>: the new key sealed, or null with <paramref name="keepKey"/> to keep the
    /// stored one (null without it clears the key).
    /// </summary>
    public static async Task SaveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, string judge, string? endpoint, string? model,
        byte[]? sealedKey, bool keepKey, bool paused, Guid[] auditors, Guid userId, CancellationToken ct)
    {
        await conn.ExecuteAsync(Cmd.For(UpsertSql, new { workspaceId, judge, endpoint, model, key = sealedKey, keepKey, paused, userId }, ct, tx));
        await conn.ExecuteAsync(Cmd.For(MarkAuditorsSql, new { workspaceId, auditors }, ct, tx));
    }
}
