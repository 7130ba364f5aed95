using AgentLink.Core.Audits;

namespace AgentLink.Functions.Audits;

/// <summary>An agent's audit schedule: once, daily or weekly, from a first time, over a window, by a judge (or the workspace's).</summary>
public sealed class AuditScheduleRoutes(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>firstRunAt: when it first runs (now when left out); later runs keep its time of day.</summary>
    public sealed record ScheduleRequest(string? Cadence, string? Window, string? Judge, DateTime? FirstRunAt);

    [Function("SetAuditSchedule")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(ScheduleRequest))]
    public async Task<Results<Ok<AuditSchedules.ScheduleView>, ValidationProblem, ProblemHttpResult>> Set(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/schedule")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var body = await req.ReadJsonAsync<ScheduleRequest>();
        var ct = req.HttpContext.RequestAborted;
        var now = clock.GetUtcNow().UtcDateTime;
        var problems = new Dictionary<string, string[]>();
        if (!AuditSchedules.Cadences.Contains(body.Cadence)) problems["cadence"] = ["One of: once, daily, weekly."];
        var window = body.Window ?? (body.Cadence == "weekly" ? "7d" : "24h");
        if (!AuditWindows.Named.Contains(window)) problems["window"] = ["One of: 24h, 7d, 30d."];
        if (body.Judge is { } j && !AuditSettings.Judges.Contains(j)) problems["judge"] = ["One of: person, llm, agent (or leave it out for the workspace's judge)."];
        var first = body.FirstRunAt?.ToUniversalTime() ?? now;
        if (first > now.AddDays(366)) problems["firstRunAt"] = ["Within a year."];
        if (problems.Count > 0) return ApiProblem.Invalid(problems);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await AuditSchedules.SaveAsync(conn, workspaceId, agentUserId, body.Cadence!, body.Judge, window, first, req.HttpContext.User.UserId(), ct);
        return TypedResults.Ok((await AuditSchedules.GetAsync(conn, agentUserId, ct))!);
    }

    [Function("DeleteAuditSchedule")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member)]
    public async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/schedule")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await AuditSchedules.DeleteAsync(conn, agentUserId, ct);
        return TypedResults.NoContent();
    }
}
