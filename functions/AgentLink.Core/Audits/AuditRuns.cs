using System.Data;
using System.Text.Json;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>A piece of evidence: one of the agent's messages or thread replies, or a task result, with its id to link back to.</summary>
public sealed record Evidence(string Kind, Guid Id, Guid? ChannelId, Guid? ParentId, string Text, DateTime At);

/// <summary>A run as the API shows it.</summary>
public sealed record AuditRunView(
    Guid Id, Guid WorkspaceId, Guid AgentUserId, string Judge, DateTime WindowStart, DateTime WindowEnd, string Status, string? Failure,
    IReadOnlyList<AuditCriterion> Criteria, string CriteriaSource, int CriteriaVersion, IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<CriterionScore>? Scores, double? Overall, string? Band, double? Delta, bool Baseline, string? Notes, DateTime CreatedAt, DateTime? CompletedAt,
    IReadOnlyList<Finding> Findings, IReadOnlyList<Recommendation> Recommendations, Guid? AuditorUserId, bool Scheduled, DateTime? StartedAt, JudgeTrace? Trace);

public static class AuditRuns
{
    public const int MaxEvidence = 500;

    // The agent's own words in the window (not deleted), and the results of its tasks finished or handed back in it:
    // the newest MaxEvidence, oldest first. Only public channels: everyone in the workspace reads a run (and an auditor
    // agent gets its evidence), so what the agent said in DMs and private channels stays out of it. The agent's
    // messages are found first by author and time (channel_messages_author_idx), then kept to public channels:
    // joining channels first made the planner probe the messages once per channel.
    private const string EvidenceSql = """
        with mine as materialized (
            select m.id, m.channel_id, m.parent_id, m.text, m.created_at
            from channel_messages m
            where m.author_id = @agentUserId and m.deleted_at is null and m.created_at >= @from and m.created_at < @to and m.workspace_id = @workspaceId),
        evidence as (
            (select case when m.parent_id is null then 'message' else 'reply' end as kind, m.id, m.channel_id, m.parent_id, m.text, m.created_at as at
             from mine m join channels c on c.id = m.channel_id
             where c.type = 'channel' and not c.is_private)
            union all
            (select 'task', t.id, t.channel_id, null, coalesce(w.task_prefix, 'TASK') || '-' || t.number || ' ' || t.title || ': ' || t.result, t.updated_at
             from tasks t join workspaces w on w.id = t.workspace_id
             where t.workspace_id = @workspaceId and t.assignee_id = @agentUserId and t.result is not null and t.updated_at >= @from and t.updated_at < @to)
            order by at desc
            limit @max)
        select kind, id, channel_id, parent_id, text, at from evidence order by at
        """;

    public static async Task<IReadOnlyList<Evidence>> EvidenceAsync(IDbConnection conn, Guid workspaceId, Guid agentUserId, DateTime from, DateTime to, CancellationToken ct, IDbTransaction? tx = null) =>
        (await conn.QueryAsync<Evidence>(Cmd.For(EvidenceSql, new { workspaceId, agentUserId, from, to, max = MaxEvidence }, ct, tx))).ToList();

    private const string InsertSql = """
        insert into audit_runs (id, workspace_id, agent_user_id, judge, window_start, window_end, status, criteria, criteria_source, criteria_version, evidence,
                                requested_by, auditor_user_id, scheduled, started_at)
        values (@id, @workspaceId, @agentUserId, @judge, @from, @to, @status, @criteria::jsonb, @source, @version, @evidence::jsonb,
                @requestedBy, @auditorUserId, @scheduled, case when @status = 'running' then now() end)
        """;

    /// <summary>Starts a run: the rubric in force and the evidence are copied into it now, once.</summary>
    public static async Task<AuditRunView> CreateAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid agentUserId, string judge, DateTime from, DateTime to,
        string status, Guid? requestedBy, CancellationToken ct, Guid? auditorUserId = null, bool scheduled = false)
    {
        var rubric = await AuditRubrics.CurrentAsync(conn, workspaceId, agentUserId, ct, tx);
        var evidence = await EvidenceAsync(conn, workspaceId, agentUserId, from, to, ct, tx);
        var id = Guid.CreateVersion7();
        await conn.ExecuteAsync(Cmd.For(InsertSql, new
        {
            id, workspaceId, agentUserId, judge, from, to, status, source = rubric.Source, version = rubric.Version, requestedBy, auditorUserId, scheduled,
            criteria = JsonSerializer.Serialize(rubric.Criteria, JsonSerializerOptions.Web), evidence = JsonSerializer.Serialize(evidence, JsonSerializerOptions.Web),
        }, ct, tx));
        return (await GetAsync(conn, id, ct, tx))!;
    }

    private const string SelectSql = """
        select id, workspace_id, agent_user_id, judge, window_start, window_end, status, failure, criteria::text as criteria, criteria_source, criteria_version,
               evidence::text as evidence, scores::text as scores, overall, band, delta, baseline, notes, created_at, completed_at,
               findings::text as findings, recommendations::text as recommendations, auditor_user_id, scheduled, started_at
        """;

    private const string FromSql = " from audit_runs";

    private sealed record Row(Guid Id, Guid WorkspaceId, Guid AgentUserId, string Judge, DateTime WindowStart, DateTime WindowEnd, string Status, string? Failure,
        string Criteria, string CriteriaSource, int CriteriaVersion, string Evidence, string? Scores, double? Overall, string? Band, double? Delta, bool Baseline,
        string? Notes, DateTime CreatedAt, DateTime? CompletedAt, string Findings, string Recommendations, Guid? AuditorUserId, bool Scheduled, DateTime? StartedAt,
        string? Trace)
    {
        public AuditRunView ToView() => new(Id, WorkspaceId, AgentUserId, Judge, WindowStart, WindowEnd, Status, Failure,
            AuditRubrics.Parse(Criteria)!, CriteriaSource, CriteriaVersion, JsonSerializer.Deserialize<List<Evidence>>(Evidence, JsonSerializerOptions.Web)!,
            Scores is null ? null : JsonSerializer.Deserialize<List<CriterionScore>>(Scores, JsonSerializerOptions.Web), Overall, Band, Delta, Baseline, Notes, CreatedAt, CompletedAt,
            JsonSerializer.Deserialize<List<Finding>>(Findings, JsonSerializerOptions.Web)!, JsonSerializer.Deserialize<List<Recommendation>>(Recommendations, JsonSerializerOptions.Web)!,
            AuditorUserId, Scheduled, StartedAt, Trace is null ? null : JsonSerializer.Deserialize<JudgeTrace>(Trace, JsonSerializerOptions.Web));
    }

    public static async Task<AuditRunView?> GetAsync(IDbConnection conn, Guid runId, CancellationToken ct, IDbTransaction? tx = null, bool forUpdate = false) =>
        (await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(SelectSql + ", judge_trace::text as trace" + FromSql + " where id = @runId" + (forUpdate ? " for update" : ""),
            new { runId }, ct, tx)))?.ToView();

    public static async Task<IReadOnlyList<AuditRunView>> ListAsync(IDbConnection conn, Guid agentUserId, CancellationToken ct) =>
        (await conn.QueryAsync<Row>(Cmd.For(SelectSql + ", null::text as trace" + FromSql + " where agent_user_id = @agentUserId order by created_at desc limit 50",
            new { agentUserId }, ct))).Select(r => r.ToView()).ToList();

    private const string PreviousSql = """
        select overall from audit_runs where agent_user_id = @agentUserId and status = 'done' and id <> @runId
        order by completed_at desc limit 1
        """;

    private const string CompleteSql = """
        update audit_runs set status = 'done', scores = @scores::jsonb, overall = @overall, band = @band, delta = @delta, baseline = @baseline,
            notes = @notes, judged_by = @judgedBy, completed_at = now(), findings = @findings::jsonb, recommendations = @recommendations::jsonb
        where id = @runId and status = 'running'
        """;

    /// <summary>
    /// Records the judge's scores (checked against the run's own snapshot): the overall score, its band, the change since the
    /// agent's previous finished run (none for the first: the baseline). False when the run is not waiting for scores.
    /// </summary>
    public static async Task<bool> CompleteAsync(IDbConnection conn, IDbTransaction tx, AuditRunView run, IReadOnlyList<CriterionScore> scores, string? notes, Guid? judgedBy,
        IReadOnlyList<Finding> findings, IReadOnlyList<Recommendation> recommendations, CancellationToken ct)
    {
        var overall = AuditScoring.Overall(run.Criteria, scores);
        var previous = await conn.QuerySingleOrDefaultAsync<double?>(Cmd.For(PreviousSql, new { run.AgentUserId, runId = run.Id }, ct, tx));
        return await conn.ExecuteAsync(Cmd.For(CompleteSql, new
        {
            runId = run.Id, scores = JsonSerializer.Serialize(scores, JsonSerializerOptions.Web), overall, band = AuditScoring.Band(overall),
            delta = previous is { } p ? Math.Round(overall - p, 2) : (double?)null, baseline = previous is null, notes, judgedBy,
            findings = JsonSerializer.Serialize(findings, JsonSerializerOptions.Web), recommendations = JsonSerializer.Serialize(recommendations, JsonSerializerOptions.Web),
        }, ct, tx)) == 1;
    }

    /// <summary>Stores the run's recommendations after one was applied or dismissed (the caller holds the run's row lock).</summary>
    public static Task SaveRecommendationsAsync(IDbConnection conn, IDbTransaction tx, Guid runId, IReadOnlyList<Recommendation> recommendations, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For("update audit_runs set recommendations = @json::jsonb where id = @runId",
            new { runId, json = JsonSerializer.Serialize(recommendations, JsonSerializerOptions.Web) }, ct, tx));

    /// <summary>audit.run on the workspace stream: {id, agentUserId, status, overall, band}.</summary>
    public static async Task<WorkspaceEvent> AnnounceAsync(IDbConnection conn, IDbTransaction tx, AuditRunView run, CancellationToken ct)
    {
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, run.WorkspaceId, ct);
        return await WorkspaceEventLog.AppendAsync(conn, tx, run.WorkspaceId, seq, EventTypes.AuditRun, null, null,
            new { run.Id, run.AgentUserId, run.Status, run.Overall, run.Band }, ct);
    }
}
