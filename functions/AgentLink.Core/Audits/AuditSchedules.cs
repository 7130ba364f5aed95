using System.Data;
using AgentLink.Core.Billing;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>
/// Audits on a schedule: once, daily or weekly per agent, over the last 24h, 7d or 30d, by a judge (or the
/// workspace's). A due schedule is taken under its row lock (other instances skip it) and moved on in the same
/// transaction as the run it starts, so each due time yields one run. A due time while audits are paused, while
/// the workspace's license is paused, or with no activity since the agent's last run, yields a skipped run
/// that says why.
/// </summary>
public static class AuditSchedules
{
    public static readonly string[] Cadences = ["once", "daily", "weekly"];

    public sealed record ScheduleView(string Cadence, string? Judge, string Window, DateTime? NextRunAt, Guid? LastRunId);

    public static Task<ScheduleView?> GetAsync(IDbConnection conn, Guid agentUserId, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<ScheduleView>(Cmd.For(
            "select cadence, judge, audit_window as window, next_run_at, last_run_id from audit_schedules where agent_user_id = @agentUserId", new { agentUserId }, ct));

    private const string SaveSql = """
        insert into audit_schedules (agent_user_id, workspace_id, cadence, judge, audit_window, next_run_at, created_by)
        values (@agentUserId, @workspaceId, @cadence, @judge, @window, @first, @userId)
        on conflict (agent_user_id) do update set cadence = excluded.cadence, judge = excluded.judge, audit_window = excluded.audit_window,
            next_run_at = excluded.next_run_at, created_by = excluded.created_by
        """;

    public static Task SaveAsync(IDbConnection conn, Guid workspaceId, Guid agentUserId, string cadence, string? judge, string window, DateTime first, Guid userId, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(SaveSql, new { agentUserId, workspaceId, cadence, judge, window, first, userId }, ct));

    public static async Task<bool> DeleteAsync(IDbConnection conn, Guid agentUserId, CancellationToken ct) =>
        await conn.ExecuteAsync(Cmd.For("delete from audit_schedules where agent_user_id = @agentUserId", new { agentUserId }, ct)) == 1;

    private sealed record Due(Guid AgentUserId, Guid WorkspaceId, string Cadence, string? Judge, string AuditWindow, DateTime NextRunAt, bool AuditsPaused, DateTime? LastEnd);

    private const string DueSql = """
        select s.agent_user_id, s.workspace_id, s.cadence, s.judge, s.audit_window, s.next_run_at,
               coalesce(a.paused, false) as audits_paused,
               (select max(r.window_end) from audit_runs r where r.agent_user_id = s.agent_user_id and r.status in ('done', 'running', 'queued')) as last_end
        from audit_schedules s left join audit_settings a on a.workspace_id = s.workspace_id
        where s.next_run_at <= @now
        order by s.next_run_at
        limit @batch
        for update of s skip locked
        """;

    private const string MoveSql = "update audit_schedules set next_run_at = @next, last_run_id = @runId where agent_user_id = @agentUserId";

    public sealed record Pass(IReadOnlyList<WorkspaceEvent> Events, IReadOnlyList<Guid> Auditors, int Started, int Skipped);

    /// <summary>One pass over the due schedules (at most <paramref name="batch"/>), in the caller's transaction.</summary>
    public static async Task<Pass> RunDueAsync(IDbConnection conn, IDbTransaction tx, DateTime now, BillingOptions billing, int batch, CancellationToken ct)
    {
        var due = (await conn.QueryAsync<Due>(Cmd.For(DueSql, new { now, batch }, ct, tx))).ToList();
        var events = new List<WorkspaceEvent>();
        var auditors = new List<Guid>();
        var (started, skipped) = (0, 0);
        foreach (var s in due)
        {
            var (from, to) = (now - AuditWindows.Span(s.AuditWindow)!.Value, now);
            string? skip = null;
            if (s.AuditsPaused) skip = "Audits are paused in this workspace.";
            else if (await License.IsPausedAsync(conn, s.WorkspaceId, billing, ct, tx)) skip = "The workspace's license is paused (billing).";
            else
            {
                var since = s.LastEnd is { } last && last > from ? last : from;
                if ((await AuditRuns.EvidenceAsync(conn, s.WorkspaceId, s.AgentUserId, since, to, ct, tx)).Count == 0)
                    skip = $"No new activity since {since:yyyy-MM-dd HH:mm} UTC: nothing to audit.";
            }
            Guid runId;
            if (skip is null)
            {
                var run = await AuditStarts.StartAsync(conn, tx, s.WorkspaceId, s.AgentUserId, s.Judge, from, to, null, null, scheduled: true, ct);
                if (run.Problem is { } problem)
                {
                    runId = await EndedRunAsync(conn, tx, s, from, to, "failed", problem, events, ct);
                }
                else
                {
                    (runId, started) = (run.Run!.Id, started + 1);
                    events.Add(run.Event!);
                    if (run.Run.AuditorUserId is { } auditor) auditors.Add(auditor);
                }
            }
            else
            {
                runId = await EndedRunAsync(conn, tx, s, from, to, "skipped", skip, events, ct);
                skipped++;
            }
            await conn.ExecuteAsync(Cmd.For(MoveSql, new { s.AgentUserId, runId, next = Next(s.Cadence, s.NextRunAt, now) }, ct, tx));
        }
        return new Pass(events, auditors, started, skipped);
    }

    /// <summary>A run that did not happen, kept in the agent's history with the reason.</summary>
    private static async Task<Guid> EndedRunAsync(IDbConnection conn, IDbTransaction tx, Due s, DateTime from, DateTime to, string status, string reason,
        List<WorkspaceEvent> events, CancellationToken ct)
    {
        var judge = s.Judge ?? (await AuditSettings.GetAsync(conn, s.WorkspaceId, ct, tx)).Judge;
        var run = await AuditRuns.CreateAsync(conn, tx, s.WorkspaceId, s.AgentUserId, judge, from, to, "queued", null, ct, scheduled: true);
        if (await Judgements.EndAsync(conn, tx, run.Id, status, reason, ct) is { } e) events.Add(e);
        return run.Id;
    }

    /// <summary>The next due time after now: none for once; the same time of day, a day or a week on, skipping times already past.</summary>
    public static DateTime? Next(string cadence, DateTime due, DateTime now)
    {
        if (cadence == "once") return null;
        var step = cadence == "weekly" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);
        var next = due + step;
        while (next <= now) next += step;
        return next;
    }
}
