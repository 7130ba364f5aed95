using AgentLink.Core.Audits;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Audits;

/// <summary>
/// The rubrics audits score agents against: the workspace's default and per-agent overrides, each with its
/// history. Everyone in the workspace reads them; owners and admins change them. Enabled weights must add
/// up to 100.
/// </summary>
public sealed class AuditCriteriaRoutes(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record CriteriaRequest(AuditCriterion[]? Criteria);

    /// <summary>The workspace's rubric (the built-in defaults until someone edits it) and its history.</summary>
    [Function("GetWorkspaceAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Ok<Rubric>> GetWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/audits/criteria")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await AuditRubrics.CurrentAsync(conn, workspaceId, null, ct));
    }

    /// <summary>Replaces the workspace's rubric (a new version): criteria {name, prompt, weight 0..100, enabled}, enabled weights adding up to 100.</summary>
    [Function("SetWorkspaceAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin), JsonBody(typeof(CriteriaRequest))]
    public async Task<Results<Ok<Rubric>, ValidationProblem, ProblemHttpResult>> SetWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/workspaces/{workspaceId:guid}/audits/criteria")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<CriteriaRequest>();
        if (AuditCriteria.Check(body.Criteria) is { Count: > 0 } problems) return Invalid(problems);
        return await SaveAsync(req, workspaceId, null, AuditCriteria.Normalize(body.Criteria!), "edited") is { } rubric ? TypedResults.Ok(rubric) : RoleChanged();
    }

    /// <summary>Puts the built-in defaults back as the workspace's rubric (a new version).</summary>
    [Function("ResetWorkspaceAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> ResetWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/audits/criteria/reset")] HttpRequest req, Guid workspaceId) =>
        await SaveAsync(req, workspaceId, null, AuditCriteria.Defaults, "reset") is { } rubric ? TypedResults.Ok(rubric) : RoleChanged();

    /// <summary>The rubric an agent is audited against (its own override, else the workspace's, else the defaults: source says which) and the history of its overrides.</summary>
    [Function("GetAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> GetAgent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return TypedResults.Ok(await AuditRubrics.CurrentAsync(conn, workspaceId, agentUserId, ct));
    }

    /// <summary>Gives an agent its own rubric (a new version of its override).</summary>
    [Function("SetAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin), JsonBody(typeof(CriteriaRequest))]
    public async Task<Results<Ok<Rubric>, ValidationProblem, ProblemHttpResult>> SetAgent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var body = await req.ReadJsonAsync<CriteriaRequest>();
        if (AuditCriteria.Check(body.Criteria) is { Count: > 0 } problems) return Invalid(problems);
        if (await MissingAgentAsync(req, workspaceId, agentUserId) is { } missing) return missing;
        return await SaveAsync(req, workspaceId, agentUserId, AuditCriteria.Normalize(body.Criteria!), "edited") is { } rubric ? TypedResults.Ok(rubric) : RoleChanged();
    }

    /// <summary>The agent inherits the workspace's rubric again (its override ends; the history keeps it).</summary>
    [Function("InheritAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> Inherit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria/inherit")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        if (await MissingAgentAsync(req, workspaceId, agentUserId) is { } missing) return missing;
        return await SaveAsync(req, workspaceId, agentUserId, null, "inherited") is { } rubric ? TypedResults.Ok(rubric) : RoleChanged();
    }

    /// <summary>Gives the agent the built-in defaults as its own rubric, whatever the workspace's.</summary>
    [Function("ResetAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> ResetAgent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria/reset")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        if (await MissingAgentAsync(req, workspaceId, agentUserId) is { } missing) return missing;
        return await SaveAsync(req, workspaceId, agentUserId, AuditCriteria.Defaults, "reset") is { } rubric ? TypedResults.Ok(rubric) : RoleChanged();
    }

    private static ProblemHttpResult RoleChanged() =>
        ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role changed meanwhile: only owners and admins change audit criteria.");

    private static ValidationProblem Invalid(Dictionary<string, string> problems) => ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));

    private async Task<ProblemHttpResult?> MissingAgentAsync(HttpRequest req, Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct) ? null : ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
    }

    /// <summary>The new version and the rubric after it; null when the caller's standing changed since the gate checked it.</summary>
    private async Task<Rubric?> SaveAsync(HttpRequest req, Guid workspaceId, Guid? agentUserId, IReadOnlyList<AuditCriterion>? criteria, string change)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await AuditRubrics.SaveAsync(conn, tx, workspaceId, agentUserId, criteria, change, req.HttpContext.User.UserId(), ct) is not { } saved) return null;
        var rubric = await AuditRubrics.CurrentAsync(conn, workspaceId, agentUserId, ct, tx);
        await tx.CommitAsync(ct);
        await events.PublishAsync(saved.Event, ct);
        return rubric;
    }
}
