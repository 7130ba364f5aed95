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

    private const string AgentSql = "select exists (select 1 from remote_agents where user_id = @agentUserId and workspace_id = @workspaceId)";

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
        return Widen(await SaveAsync(req, workspaceId, null, AuditCriteria.Normalize(body.Criteria!), "edited"));
    }

    /// <summary>Puts the built-in defaults back as the workspace's rubric (a new version).</summary>
    [Function("ResetWorkspaceAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public Task<Results<Ok<Rubric>, ProblemHttpResult>> ResetWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/audits/criteria/reset")] HttpRequest req, Guid workspaceId) =>
        SaveAsync(req, workspaceId, null, AuditCriteria.Defaults, "reset");

    /// <summary>The rubric an agent is audited against (its own override, else the workspace's, else the defaults: source says which) and the history of its overrides.</summary>
    [Function("GetAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> GetAgent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(AgentSql, new { agentUserId, workspaceId }, ct))) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
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
        return Widen(await SaveAsync(req, workspaceId, agentUserId, AuditCriteria.Normalize(body.Criteria!), "edited"));
    }

    /// <summary>The agent inherits the workspace's rubric again (its override ends; the history keeps it).</summary>
    [Function("InheritAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> Inherit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria/inherit")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        if (await MissingAgentAsync(req, workspaceId, agentUserId) is { } missing) return missing;
        return await SaveAsync(req, workspaceId, agentUserId, null, "inherited");
    }

    /// <summary>Gives the agent the built-in defaults as its own rubric, whatever the workspace's.</summary>
    [Function("ResetAgentAuditCriteria")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<Rubric>, ProblemHttpResult>> ResetAgent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/audits/criteria/reset")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        if (await MissingAgentAsync(req, workspaceId, agentUserId) is { } missing) return missing;
        return await SaveAsync(req, workspaceId, agentUserId, AuditCriteria.Defaults, "reset");
    }

    private static Results<Ok<Rubric>, ValidationProblem, ProblemHttpResult> Widen(Results<Ok<Rubric>, ProblemHttpResult> saved) => saved.Result switch
    {
        Ok<Rubric> ok => ok,
        ProblemHttpResult problem => problem,
        _ => throw new InvalidOperationException("Unexpected result."),
    };

    private static ValidationProblem Invalid(Dictionary<string, string> problems) => ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));

    private async Task<ProblemHttpResult?> MissingAgentAsync(HttpRequest req, Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(Cmd.For(AgentSql, new { agentUserId, workspaceId }, ct)) ? null : ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
    }

    private async Task<Results<Ok<Rubric>, ProblemHttpResult>> SaveAsync(HttpRequest req, Guid workspaceId, Guid? agentUserId, IReadOnlyList<AuditCriterion>? criteria, string change)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await AuditRubrics.SaveAsync(conn, tx, workspaceId, agentUserId, criteria, change, req.HttpContext.User.UserId(), ct) is not { } saved)
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role changed meanwhile: only owners and admins change audit criteria.");
        var rubric = await AuditRubrics.CurrentAsync(conn, workspaceId, agentUserId, ct, tx);
        await tx.CommitAsync(ct);
        await events.PublishAsync(saved.Event, ct);
        return TypedResults.Ok(rubric);
    }
}
