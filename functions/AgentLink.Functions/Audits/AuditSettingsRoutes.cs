using AgentLink.Core.Audits;
using AgentLink.Core.Security;
using Microsoft.Extensions.AI;

namespace AgentLink.Functions.Audits;

/// <summary>
/// Who judges a workspace's audits: the default judge (person, llm, agent), the LLM judge's OpenAI-compatible
/// endpoint, model and API key (sealed with AES-GCM at rest, never returned: only whether one is set), the agents
/// marked as auditors, and the switch that pauses scheduled audits. Everyone reads; owners and admins change.
/// </summary>
public sealed class AuditSettingsRoutes(NpgsqlDataSource dataSource, SecretBox secrets, IJudgeChatClients clients)
{
    public sealed record JudgeCheck(bool Ok, string Model, string Detail, double Seconds);

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
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            using var client = clients.Create(settings.Endpoint, settings.Model, settings.ApiKey, TimeSpan.FromSeconds(30));
            var answer = await client.GetResponseAsync<JudgeReady>("Reply with the JSON {\"ready\": true}.", new ChatOptions { Temperature = 0 },
                useJsonSchemaResponseFormat: true, ct);
            var seconds = Math.Round(watch.Elapsed.TotalSeconds, 2);
            return TypedResults.Ok(answer.TryGetResult(out var ready) && ready is not null
                ? new JudgeCheck(true, settings.Model, "The model answered with structured output.", seconds)
                : new JudgeCheck(false, settings.Model, $"The model answered, but not with the JSON asked for: {Cut(answer.Text)}", seconds));
        }
        catch (Exception ex) when (ex is System.ClientModel.ClientResultException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var detail = ex switch
            {
                System.ClientModel.ClientResultException c => $"HTTP {c.Status}: {Cut(c.Message)}",
                TaskCanceledException => "No answer within 30 seconds.",
                _ => Cut(ex.Message),
            };
            return TypedResults.Ok(new JudgeCheck(false, settings.Model, detail, Math.Round(watch.Elapsed.TotalSeconds, 2)));
        }
    }

    private sealed record JudgeReady([property: System.Text.Json.Serialization.JsonRequired] bool Ready);

    private static string Cut(string text) => text.Length <= 300 ? text : text[..299] + "…";
}
