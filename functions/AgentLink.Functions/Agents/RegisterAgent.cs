using AgentLink.Core.Agents;

namespace AgentLink.Functions.Agents;

public sealed class RegisterAgent(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly TimeSpan ClaimWindow = TimeSpan.FromHours(24);

    public sealed record Request(string? AgentName, string? FrameworkType);

    public sealed record Registered(Guid RegistrationId, string ApiKey, string ClaimUrl, DateTimeOffset ExpiresAt);

    private const string InsertSql = """
        insert into agent_registrations (id, agent_name, framework_type, api_key_hash, claim_expires_at)
        values (@id, @agentName, @frameworkType, @hash, @expiresAt)
        """;

    /// <summary>
    /// No sign-in: the agent gets an API key (shown only in this answer; only its hash is kept)
    /// and a claim URL to hand to a person, valid for 24 hours.
    /// </summary>
    [Function(nameof(RegisterAgent))]
    [Caller(Caller.Anyone), RateLimit(RateLimitPolicies.AgentRegistration), JsonBody(typeof(Request))]
    public async Task<Results<Created<Registered>, ValidationProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/register")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var name = body.AgentName?.Trim();
        var framework = string.IsNullOrWhiteSpace(body.FrameworkType) ? null : body.FrameworkType.Trim();
        var check = new Validate().Required("agentName", name, 80)
            .Check(framework is null || framework.Length <= 40, "frameworkType", "At most 40 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var id = Guid.CreateVersion7();
        var key = AgentKeys.New();
        var expiresAt = clock.GetUtcNow() + ClaimWindow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(Cmd.For(InsertSql, new { id, agentName = name, frameworkType = framework, hash = AgentKeys.Hash(key), expiresAt }, ct));
        var url = AgentRegistrations.ClaimUrl(req, id);
        return TypedResults.Created($"/api/v1/agents/me", new Registered(id, key, url, expiresAt));
    }
}
