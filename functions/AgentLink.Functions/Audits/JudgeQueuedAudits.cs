using AgentLink.Core.Audits;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.Core.Security;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Audits;

/// <summary>
/// Works the audit queue. An LLM-judged run waiting in 'queued' is taken by one instance (its row lock, then
/// 'running' committed before the model is called), judged one criterion at a time, and recorded as done with
/// the judge's trace, or failed with the reason (the endpoint's error, an unreadable answer). Runs whose judge
/// never answered fail too: an auditor agent's after AgentJudgeTimeoutMinutes, an LLM run whose instance
/// stopped mid-way after LlmJudgeTimeoutMinutes.
/// </summary>
public sealed class JudgeQueuedAudits(NpgsqlDataSource dataSource, LlmJudge judge, SecretBox secrets, EventPublisher events, IOptions<AuditOptions> options,
    ILogger<JudgeQueuedAudits> logger)
{
    /// <summary>Runs judged per tick at most; the next tick takes the rest.</summary>
    public const int PerTick = 5;

    [Function(nameof(JudgeQueuedAudits))]
    public async Task Run([TimerTrigger(TimerSchedules.AuditJudging)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    private const string OverdueSql = """
        select id, judge from audit_runs
        where status = 'running' and ((judge = 'agent' and started_at < now() - make_interval(mins => @agentMinutes))
                                   or (judge = 'llm' and started_at < now() - make_interval(mins => @llmMinutes)))
        for update skip locked
        """;

    private const string ClaimSql = """
        update audit_runs set status = 'running', started_at = now()
        where id = (select id from audit_runs where status = 'queued' and judge = 'llm' order by created_at limit 1 for update skip locked)
        returning id
        """;

    private const string AgentNameSql = "select name from users where id = @id";

    /// <summary>One pass: overdue runs failed, then up to <see cref="PerTick"/> queued LLM runs judged. Returns how many were judged (done or failed).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await FailOverdueAsync(ct);
        var judged = 0;
        while (judged < PerTick && await ClaimAsync(ct) is { } runId)
        {
            await JudgeAsync(runId, ct);
            judged++;
        }
        return judged;
    }

    private async Task FailOverdueAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var published = new List<WorkspaceEvent>();
        var o = options.Value;
        foreach (var (id, judgeKind) in await conn.QueryAsync<(Guid, string)>(Cmd.For(OverdueSql, new { agentMinutes = o.AgentJudgeTimeoutMinutes, llmMinutes = o.LlmJudgeTimeoutMinutes }, ct, tx)))
        {
            var reason = judgeKind == "agent"
                ? $"The auditor agent did not answer within {o.AgentJudgeTimeoutMinutes} minutes."
                : $"The LLM judge did not finish within {o.LlmJudgeTimeoutMinutes} minutes (its instance may have stopped).";
            if (await Judgements.EndAsync(conn, tx, id, "failed", reason, ct) is { } e) published.Add(e);
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(published, ct);
    }

    private async Task<Guid?> ClaimAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(ClaimSql, null, ct, tx));
        if (id is null) return null;
        var e = await AuditRuns.AnnounceAsync(conn, tx, (await AuditRuns.GetAsync(conn, id.Value, ct, tx))!, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return id;
    }

    private async Task JudgeAsync(Guid runId, CancellationToken ct)
    {
        AuditRunView run;
        LlmJudgeSettings? settings;
        string? problem;
        string agentName;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        {
            run = (await AuditRuns.GetAsync(conn, runId, ct))!;
            (settings, problem) = await AuditSettings.LlmAsync(conn, run.WorkspaceId, secrets, ct);
            agentName = await conn.QuerySingleAsync<string>(Cmd.For(AgentNameSql, new { id = run.AgentUserId }, ct));
        }
        Judgement? judgement = null;
        JudgeTrace? trace = null;
        if (settings is not null)
        {
            try
            {
                (judgement, trace) = await judge.JudgeAsync(run, agentName, settings, ct);
                if (Judgements.Check(run, judgement) is { Count: > 0 } problems)
                    (judgement, problem) = (null, "The model's judgement does not fit the run: " + string.Join(" ", problems.Select(p => $"{p.Key}: {p.Value}")));
            }
            catch (JudgeFailedException ex)
            {
                (problem, trace) = (ex.Message, ex.Trace);
                logger.LogWarning(ex.InnerException, "The LLM judge failed run {RunId}: {Reason}", runId, ex.Message);
            }
        }

        await using var db = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        if (trace is not null) await Judgements.SaveTraceAsync(db, tx, runId, trace, ct);
        // The snapshot read before judging is the run's for good; CompleteAsync records only while it is still running.
        var announced = judgement is not null && await Judgements.CompleteAsync(db, tx, run, judgement, null, ct) is { } done
            ? done.Event
            : await Judgements.EndAsync(db, tx, runId, "failed", problem ?? "The run was no longer waiting for the judge.", ct);
        await tx.CommitAsync(ct);
        if (announced is not null) await events.PublishAsync(announced, ct);
    }
}
