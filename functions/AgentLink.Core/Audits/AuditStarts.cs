using System.Data;
using AgentLink.Core.Events;

namespace AgentLink.Core.Audits;

/// <summary>The audit windows people pick from (a custom one is checked where it is asked for).</summary>
public static class AuditWindows
{
    public static readonly string[] Named = ["24h", "7d", "30d"];

    public static TimeSpan? Span(string window) => window switch
    {
        "24h" => TimeSpan.FromHours(24),
        "7d" => TimeSpan.FromDays(7),
        "30d" => TimeSpan.FromDays(30),
        _ => null,
    };
}

/// <summary>
/// Starts a run with the judge asked for (or the workspace's): a person's and an auditor agent's run are
/// running from the start (the agent's audit.request is queued in the same transaction); an LLM's run is
/// queued until JudgeQueuedAudits takes it. Used by "run now" and by the schedule alike.
/// </summary>
public static class AuditStarts
{
    public sealed record Started(AuditRunView? Run, WorkspaceEvent? Event, string? Problem);

    public static async Task<Started> StartAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid agentUserId, string? judge, DateTime from, DateTime to,
        Guid? requestedBy, Guid? auditorRequested, bool scheduled, CancellationToken ct)
    {
        var settings = await AuditSettings.GetAsync(conn, workspaceId, ct, tx);
        judge ??= settings.Judge;
        Guid? auditor = null;
        if (judge == "llm" && (settings.LlmEndpoint is null || settings.LlmModel is null))
            return new(null, null, "No LLM judge is configured: an owner or admin sets its endpoint and model in the audit settings.");
        if (judge == "agent")
        {
            auditor = await AuditorAgents.PickAsync(conn, workspaceId, agentUserId, auditorRequested, ct, tx);
            if (auditor is null)
                return new(null, null, auditorRequested is null
                    ? "No auditor agent can judge this agent: mark another agent as an auditor in the audit settings."
                    : "That agent is not an auditor of this workspace (or it is the agent being audited).");
        }
        var run = await AuditRuns.CreateAsync(conn, tx, workspaceId, agentUserId, judge, from, to, judge == "llm" ? "queued" : "running", requestedBy, ct, auditor, scheduled);
        if (auditor is not null) await AuditorAgents.RequestAsync(conn, tx, run, ct);
        return new(run, await AuditRuns.AnnounceAsync(conn, tx, run, ct), null);
    }
}
