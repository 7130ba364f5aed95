using System.Data;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>
/// Auditor agents: agents of the workspace marked as auditors judge other agents' runs. A run for one is
/// sent as <c>audit.request</c> (the rubric snapshot and the evidence) on its inbox, through the outbox, so an
/// auditor that is offline gets it when it returns; it answers <c>audit.result</c> on its outbox.
/// </summary>
public static class AuditorAgents
{
    private const string PickSql = """
        select ra.user_id from remote_agents ra join users u on u.id = ra.user_id
        where ra.workspace_id = @workspaceId and ra.auditor and ra.user_id <> @auditedId and (@requested::uuid is null or ra.user_id = @requested)
        order by (ra.status <> 'offline') desc, u.name, ra.user_id
        limit 1
        """;

    /// <summary>The requested auditor, or the first one (online ones first); null when there is none that may judge this agent.</summary>
    public static Task<Guid?> PickAsync(IDbConnection conn, Guid workspaceId, Guid auditedId, Guid? requested, CancellationToken ct, IDbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(PickSql, new { workspaceId, auditedId, requested }, ct, tx));

    private const string NameSql = "select name from users where id = @id";

    /// <summary>Queues the run's audit.request for its auditor (in the caller's transaction); signal the auditor's stream after commit.</summary>
    public static async Task RequestAsync(IDbConnection conn, IDbTransaction tx, AuditRunView run, CancellationToken ct)
    {
        var name = await conn.QuerySingleAsync<string>(Cmd.For(NameSql, new { id = run.AgentUserId }, ct, tx));
        var envelope = AgentEnvelope.Create(run.WorkspaceId, InboxTypes.AuditRequest, new
        {
            runId = run.Id,
            agent = new { userId = run.AgentUserId, name },
            window = new { from = run.WindowStart, to = run.WindowEnd },
            criteria = run.Criteria.Where(c => c.Enabled).Select(c => new { c.Name, c.Prompt, c.Weight }),
            evidence = run.Evidence,
            answer = "Publish audit.result on your outbox: {runId, scores: [{criterion, score 0..100, reasoning}], notes?, " +
                     "findings?: [{severity, title, description, criterion, evidence: [ids of this request's evidence]}], recommendations?: [{kind, text, effort, expectedLift}]}.",
        });
        await AgentOutbox.EnqueueAsync(conn, tx, run.AuditorUserId!.Value, envelope, ct);
    }
}
