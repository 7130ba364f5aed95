namespace AgentLink.Functions.Agents;

public sealed class PreviewClaim(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public sealed record ClaimPreview(Guid RegistrationId, string AgentName, string? FrameworkType, DateTime ClaimExpiresAt, IEnumerable<WorkspaceRef> Workspaces);

    // Where the caller may bring an agent: workspaces they own or administer.
    private const string WorkspacesSql = """
        select w.id, w.name from workspaces w join memberships m on m.workspace_id = w.id
        where m.user_id = @userId and m.role in ('owner', 'admin')
        order by lower(w.name)
        """;

    /// <summary>What the claim page shows: the agent, and the workspaces the caller can claim it into.</summary>
    [Function(nameof(PreviewClaim))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<ClaimPreview>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/claim/{registrationId:guid}")] HttpRequest req, Guid registrationId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var registration = await AgentRegistrations.FindAsync(conn, registrationId, ct);
        if (AgentRegistrations.ClaimProblem(registration, clock) is { } problem) return problem;
        var workspaces = await conn.QueryAsync<WorkspaceRef>(Cmd.For(WorkspacesSql, new { userId = user.UserId() }, ct));
        return TypedResults.Ok(new ClaimPreview(registrationId, registration!.AgentName, registration.FrameworkType, registration.ClaimExpiresAt, workspaces));
    }
}
