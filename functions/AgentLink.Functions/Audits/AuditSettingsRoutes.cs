using AgentLink.Core.Audits;
using AgentLink.Core.Security;

namespace AgentLink.Functions.Audits;

/// <summary>
/// Who judges a workspace's audits: the default judge (person, llm, agent), the LLM judge's OpenAI-compatible
/// endpoint, model and API key (sealed with AES-GCM at rest, never returned: only whether one is set), the agents
/// marked as auditors, and the switch that pauses scheduled audits. Everyone reads; owners and admins change.
/// </summary>
public sealed class AuditSettingsRoutes(NpgsqlDataSource dataSource, SecretBox secrets, LlmJudge judge)
{
    /// <summary>
    /// apiKey: a new key; left out (null) keeps the stored one; "" removes it. auditorAgentIds: the agents that
    /// may judge others (every other agent stops being one).
    /// </summary>
    public sealed record SettingsRequest(string? Judge, string? LlmEndpoint, string? LlmModel, string? ApiKey, Guid[]? AuditorAgentIds, bool? Paused);

    [Function("GetAuditSettings")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Ok<AuditSettingsView>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/audits/settings")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await AuditSettings.GetAsync(conn, workspaceId, ct));
    }

    [Function("SetAuditSettings")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin), JsonBody(typeof(SettingsRequest))]
    public async Task<Results<Ok<AuditSettingsView>, ValidationProblem>> Set(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/workspaces/{workspaceId:guid}/audits/settings")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<SettingsRequest>();
        var ct = req.HttpContext.RequestAborted;
        var problems = new Dictionary<string, string[]>();
        var judge = body.Judge ?? "";
        if (!AuditSettings.Judges.Contains(judge)) problems["judge"] = ["Required: person, llm or agent."];
        var endpoint = string.IsNullOrWhiteSpace(body.LlmEndpoint) ? null : body.LlmEndpoint.Trim();
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || endpoint.Length > 500))
            problems["llmEndpoint"] = ["An http(s) URL of an OpenAI-compatible API, such as https://api.openai.com/v1 or http://localhost:11434/v1."];
        var model = string.IsNullOrWhiteSpace(body.LlmModel) ? null : body.LlmModel.Trim();
        if (model is { Length: > 200 }) problems["llmModel"] = ["At most 200 characters."];
        if (judge == "llm" && (endpoint is null || model is null)) problems.TryAdd("llmEndpoint", ["The LLM judge needs an endpoint and a model."]);
        if (body.ApiKey is { Length: > 4000 }) problems["apiKey"] = ["At most 4000 characters."];
        var auditors = (body.AuditorAgentIds ?? []).Distinct().ToArray();
        if (auditors.Length > 100) problems["auditorAgentIds"] = ["At most 100."];
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var id in auditors)
            if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, id, ct)) { problems["auditorAgentIds"] = ["Only agents of this workspace."]; break; }
        if (judge == "agent" && auditors.Length == 0) problems.TryAdd("auditorAgentIds", ["The agent judge needs at least one auditor agent."]);
        if (problems.Count > 0) return ApiProblem.Invalid(problems);

        var sealedKey = string.IsNullOrEmpty(body.ApiKey) ? null : secrets.Seal(body.ApiKey.Trim(), AuditSettings.KeyPurpose);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await AuditSettings.SaveAsync(conn, tx, workspaceId, judge, endpoint, model, sealedKey, keepKey: body.ApiKey is null, body.Paused ?? false, auditors,
            req.HttpContext.User.UserId(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await AuditSettings.GetAsync(conn, workspaceId, ct));
    }

    /// <summary>
    /// Tries the configured LLM judge with one small call (its endpoint, model and stored key), so an admin knows it
    /// works before an audit depends on it: ok, or what went wrong (the endpoint's status and message, no answer in
    /// time, an answer that is not JSON). Nothing is stored.
    /// </summary>
    [Function("TestAuditJudge")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin)]
    public async Task<Results<Ok<JudgeCheck>, ProblemHttpResult>> Test(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/audits/settings/test")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (settings, problem) = await AuditSettings.LlmAsync(conn, workspaceId, secrets, ct);
        if (settings is null) return ApiProblem.Conflict(ErrorCodes.JudgeNotConfigured, problem!);
        return TypedResults.Ok(await judge.CheckAsync(settings, ct));
    }
}
