using AgentLink.Core.Audits;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Audits;

/// <summary>
/// Audit runs: start one for an agent over a window (its rubric and evidence are copied into the run), read
/// them, and, when a person judges, record the scores. An LLM-judged run is queued for JudgeQueuedAudits; an
/// agent-judged one goes to an auditor agent as audit.request, answered by audit.result over MQTT.
/// </summary>
public sealed class AuditRunRoutes(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, TimeProvider clock)
{
    public sealed record StartRequest(string? Judge, string? Window, DateTime? From, DateTime? To, Guid? AuditorUserId);

    public sealed record ScoresRequest(CriterionScore[]? Scores, string? Notes, Finding[]? Findings, RecommendationInput[]? Recommendations);

    public sealed record AgentAudits(string Band, double? Overall, double? Delta, IReadOnlyList<AuditRunView> Runs, AuditSchedules.ScheduleView? Schedule);

    /// <summary>
    /// Audits an agent over the last 24h, 7d or 30d, or a custom window (from, to). judge: person (a person fills
    /// the scores in), llm (the workspace's model, queued), agent (an auditor agent: auditorUserId, or the first
    /// one); the workspace's chosen judge when left out. The run keeps a snapshot of the rubric and the evidence.
    /// </summary>
    [Function("StartAudit")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(StartRequest)), Licensed(WorkspaceFrom.Route)]
    public async Task<Results<Created<AuditRunView>, ValidationProblem, ProblemHttpResult>> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var body = await req.ReadJsonAsync<StartRequest>();
        var ct = req.HttpContext.RequestAborted;
        var now = clock.GetUtcNow().UtcDateTime;
        if (body.Judge is { } j && !AuditSettings.Judges.Contains(j)) return ApiProblem.Invalid("judge", "One of: person, llm, agent.");
        DateTime from, to;
        if (body.Window is "custom")
        {
            if (body.From is not { } f || body.To is not { } t || f >= t || t > now.AddMinutes(1) || t - f > TimeSpan.FromDays(366))
                return ApiProblem.Invalid("window", "A custom window needs from < to, not in the future, at most a year long.");
            (from, to) = (f.ToUniversalTime(), t.ToUniversalTime());
        }
        else if (AuditWindows.Span(body.Window ?? "7d") is { } span) (from, to) = (now - span, now);
        else return ApiProblem.Invalid("window", "One of: 24h, 7d, 30d, custom.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await using var tx = await conn.BeginTransactionAsync(ct);
        var started = await AuditStarts.StartAsync(conn, tx, workspaceId, agentUserId, body.Judge, from, to, req.HttpContext.User.UserId(), body.AuditorUserId, false, ct);
        if (started.Problem is { } problem) return ApiProblem.Conflict(ErrorCodes.JudgeNotConfigured, problem);
        await tx.CommitAsync(ct);
        await events.PublishAsync(started.Event!, ct);
        if (started.Run!.AuditorUserId is { } auditor) await AgentOutbox.SignalAsync(bus, [auditor]);
        return TypedResults.Created($"/api/v1/audits/{started.Run.Id}", started.Run);
    }

    /// <summary>An agent's score card: its band (unaudited before its first finished run), the latest score and change, and its runs, newest first.</summary>
    [Function("ListAudits")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<AgentAudits>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        var runs = await AuditRuns.ListAsync(conn, agentUserId, ct);
        var latest = runs.Where(r => r.Status == "done").MaxBy(r => r.CompletedAt);
        return TypedResults.Ok(new AgentAudits(latest?.Band ?? AuditScoring.Unaudited, latest?.Overall, latest?.Delta, runs, await AuditSchedules.GetAsync(conn, agentUserId, ct)));
    }

    public sealed record ScoreCard(Guid AgentUserId, string Name, bool Auditor, string Band, double? Overall, double? Delta, double[] Trend, DateTime? LastRunAt,
        string? Cadence, DateTime? NextRunAt);

    // Settable, because Dapper hands a float8[] to constructors as System.Array.
    private sealed class CardRow
    {
        public Guid AgentUserId { get; set; }
        public string Name { get; set; } = "";
        public bool Auditor { get; set; }
        public string Band { get; set; } = "";
        public double? Overall { get; set; }
        public double? Delta { get; set; }
        public double[] Trend { get; set; } = [];
        public DateTime? LastRunAt { get; set; }
        public string? Cadence { get; set; }
        public DateTime? NextRunAt { get; set; }
    }

    // Each agent's last ten finished runs (oldest first, for the trend line) and its schedule.
    private const string ScoreCardsSql = """
        select ra.user_id as agent_user_id, u.name, ra.auditor,
               coalesce(last.band, 'unaudited') as band, last.overall, last.delta,
               coalesce((select array_agg(t.overall order by t.completed_at)
                         from (select overall, completed_at from audit_runs r where r.agent_user_id = ra.user_id and r.status = 'done'
                               order by completed_at desc limit 10) t), '{}') as trend,
               last.completed_at as last_run_at, s.cadence, s.next_run_at
        from remote_agents ra join users u on u.id = ra.user_id
        left join lateral (select band, overall, delta, completed_at from audit_runs r where r.agent_user_id = ra.user_id and r.status = 'done'
                           order by completed_at desc limit 1) last on true
        left join audit_schedules s on s.agent_user_id = ra.user_id
        where ra.workspace_id = @workspaceId
        order by u.name, ra.user_id
        """;

    /// <summary>Every agent's score card: band (unaudited before a first run), latest score and change, the trend of its last ten runs, its schedule.</summary>
    [Function("ListAuditScoreCards")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Ok<ScoreCard[]>> ScoreCards(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/audits")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok((await conn.QueryAsync<CardRow>(Cmd.For(ScoreCardsSql, new { workspaceId }, ct)))
            .Select(r => new ScoreCard(r.AgentUserId, r.Name, r.Auditor, r.Band, r.Overall, r.Delta, r.Trend, r.LastRunAt, r.Cadence, r.NextRunAt)).ToArray());
    }

    /// <summary>One run: its rubric snapshot, evidence, scores, overall, band and change.</summary>
    [Function("GetAudit")]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<AuditRunView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/audits/{runId:guid}")] HttpRequest req, Guid runId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await AuditRuns.GetAsync(conn, runId, ct) is not { } run
            || await WorkspaceAccess.RoleAsync(conn, run.WorkspaceId, req.HttpContext.User.UserId(), ct) is null)
            return ApiProblem.NotFound(ErrorCodes.AuditNotFound, "Audit");
        return TypedResults.Ok(run);
    }

    /// <summary>A person judges a run: one score from 0 to 100 for each enabled criterion of its snapshot (with reasoning), and notes.</summary>
    [Function("ScoreAudit")]
    [Caller(Caller.Person), JsonBody(typeof(ScoresRequest))]
    public async Task<Results<Ok<AuditRunView>, ValidationProblem, ProblemHttpResult>> Score(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/audits/{runId:guid}/scores")] HttpRequest req, Guid runId)
    {
        var body = await req.ReadJsonAsync<ScoresRequest>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var run = await AuditRuns.GetAsync(conn, runId, ct, tx);
        var role = run is null ? null : await WorkspaceAccess.RoleAsync(conn, run.WorkspaceId, userId, ct, tx);
        if (run is null || role is null) return ApiProblem.NotFound(ErrorCodes.AuditNotFound, "Audit");
        if (!Roles.CanWrite(role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read audits but not judge them.");
        if (run.Judge != "person") return ApiProblem.Conflict(ErrorCodes.InvalidRequest, $"This run is judged by {run.Judge}, not by a person.");
        var judgement = new Judgement(body.Scores, body.Notes, body.Findings, body.Recommendations);
        if (Judgements.Check(run, judgement) is { Count: > 0 } problems) return ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
        if (await Judgements.CompleteAsync(conn, tx, run, judgement, userId, ct) is not { } done)
            return ApiProblem.Conflict(ErrorCodes.InvalidRequest, "This run is not waiting for scores (already judged, or failed).");
        await tx.CommitAsync(ct);
        await events.PublishAsync(done.Event, ct);
        return TypedResults.Ok(done.Run);
    }

    /// <summary>Applies a recommendation of a finished run: an action becomes a task assigned to the audited agent (once).</summary>
    [Function("ApplyAuditRecommendation")]
    [Caller(Caller.Person), Licensed(WorkspaceFrom.AuditRun)]
    public Task<Results<Ok<AuditRunView>, ProblemHttpResult>> Apply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/audits/{runId:guid}/recommendations/{recommendationId:guid}/apply")] HttpRequest req,
        Guid runId, Guid recommendationId) => DecideAsync(req, runId, recommendationId, apply: true);

    /// <summary>Dismisses a recommendation of a finished run.</summary>
    [Function("DismissAuditRecommendation")]
    [Caller(Caller.Person)]
    public Task<Results<Ok<AuditRunView>, ProblemHttpResult>> Dismiss(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/audits/{runId:guid}/recommendations/{recommendationId:guid}/dismiss")] HttpRequest req,
        Guid runId, Guid recommendationId) => DecideAsync(req, runId, recommendationId, apply: false);

    private async Task<Results<Ok<AuditRunView>, ProblemHttpResult>> DecideAsync(HttpRequest req, Guid runId, Guid recommendationId, bool apply)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var run = await AuditRuns.GetAsync(conn, runId, ct, tx, forUpdate: true);
        var role = run is null ? null : await WorkspaceAccess.RoleAsync(conn, run.WorkspaceId, userId, ct, tx);
        if (run is null || role is null || run.Recommendations.FirstOrDefault(r => r.Id == recommendationId) is not { } chosen)
            return ApiProblem.NotFound(ErrorCodes.AuditNotFound, "Recommendation");
        if (!Roles.CanWrite(role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read audits but not act on them.");
        if (chosen.Status != "open") return ApiProblem.Conflict(ErrorCodes.InvalidRequest, $"This recommendation was already {chosen.Status}.");
        var published = new List<WorkspaceEvent>();
        Core.Tasks.TaskDispatch.Sent? sent = null;
        Guid? taskId = null;
        if (apply)
        {
            var title = chosen.Text.Length <= 120 ? chosen.Text : chosen.Text[..117] + "…";
            var (task, created, dispatched) = await Core.Tasks.TaskCreation.InsertAsync(conn, tx, new Core.Tasks.NewTask(run.WorkspaceId, $"Audit: {title}",
                $"{chosen.Text}\n\nFrom the audit of {run.WindowStart:yyyy-MM-dd} to {run.WindowEnd:yyyy-MM-dd} (overall {run.Overall:0.##}, {run.Band}); " +
                $"effort {chosen.Effort ?? "not given"}, expected lift {(chosen.ExpectedLift is { } l ? $"{l:0.#} points" : "not given")}.",
                "todo", "medium", run.AgentUserId, null, null, null, null, ["audit"], userId), ct);
            (taskId, sent) = (task.Id, dispatched);
            published.Add(created);
        }
        var updated = run.Recommendations.Select(r => r.Id == recommendationId ? r with { Status = apply ? "applied" : "dismissed", TaskId = taskId } : r).ToList();
        await AuditRuns.SaveRecommendationsAsync(conn, tx, runId, updated, ct);
        var after = (await AuditRuns.GetAsync(conn, runId, ct, tx))!;
        published.Add(await AuditRuns.AnnounceAsync(conn, tx, after, ct));
        await tx.CommitAsync(ct);
        await events.PublishAsync(published, ct);
        if (sent is not null) await Core.Tasks.TaskDispatch.DeliverAsync([sent], bus, events, ct);
        return TypedResults.Ok(after);
    }
}
