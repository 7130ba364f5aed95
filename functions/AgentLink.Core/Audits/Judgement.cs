using System.Data;
using System.Text.Json;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>What any judge (a person, an auditor agent, the LLM) hands back for a run.</summary>
public sealed record Judgement(IReadOnlyList<CriterionScore>? Scores, string? Notes, IReadOnlyList<Finding>? Findings, IReadOnlyList<RecommendationInput>? Recommendations);

/// <summary>Checks a judgement against the run it is for and records it; or records why a run ended without one.</summary>
public static class Judgements
{
    public const int MaxNotes = 10_000;

    /// <summary>Field → problem: every enabled criterion of the run's snapshot scored once, findings citing only its own evidence.</summary>
    public static Dictionary<string, string> Check(AuditRunView run, Judgement judgement)
    {
        var problems = AuditScoring.Check(run.Criteria, judgement.Scores);
        if (judgement.Notes is { Length: > MaxNotes }) problems["notes"] = "At most 10 000 characters.";
        foreach (var (field, problem) in AuditFindings.Check(run, judgement.Findings, judgement.Recommendations)) problems.TryAdd(field, problem);
        return problems;
    }

    /// <summary>
    /// Records a checked judgement on a running run and announces it; null when the run is no longer waiting
    /// for one (judged already, failed, timed out).
    /// </summary>
    public static async Task<(AuditRunView Run, WorkspaceEvent Event)?> CompleteAsync(IDbConnection conn, IDbTransaction tx, AuditRunView run, Judgement judgement,
        Guid? judgedBy, CancellationToken ct)
    {
        if (!await AuditRuns.CompleteAsync(conn, tx, run, judgement.Scores!, judgement.Notes?.Trim(), judgedBy, judgement.Findings ?? [],
                AuditFindings.Open(judgement.Recommendations), ct))
            return null;
        var done = (await AuditRuns.GetAsync(conn, run.Id, ct, tx))!;
        return (done, await AuditRuns.AnnounceAsync(conn, tx, done, ct));
    }

    private const string EndSql = """
        update audit_runs set status = @status, failure = @reason, completed_at = now()
        where id = @runId and status in ('queued', 'running')
        """;

    /// <summary>Ends a waiting run as failed (or skipped) with the reason people see; null when it had already ended.</summary>
    public static async Task<WorkspaceEvent?> EndAsync(IDbConnection conn, IDbTransaction tx, Guid runId, string status, string reason, CancellationToken ct)
    {
        if (await conn.ExecuteAsync(Cmd.For(EndSql, new { runId, status, reason = reason.Length > 2000 ? reason[..1997] + "…" : reason }, ct, tx)) != 1) return null;
        return await AuditRuns.AnnounceAsync(conn, tx, (await AuditRuns.GetAsync(conn, runId, ct, tx))!, ct);
    }

    /// <summary>Keeps the LLM judge's record with the run (model, prompts and their hashes, raw answers, evidence ids).</summary>
    public static Task SaveTraceAsync(IDbConnection conn, IDbTransaction tx, Guid runId, JudgeTrace trace, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For("update audit_runs set judge_trace = @trace::jsonb where id = @runId",
            new { runId, trace = JsonSerializer.Serialize(trace, JsonSerializerOptions.Web) }, ct, tx));
}
