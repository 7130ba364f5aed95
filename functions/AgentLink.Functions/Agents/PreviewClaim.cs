namespace AgentLink.Functions.Agents;

public static class PreviewClaim
{
    public sealed record ClaimPreview(Guid RegistrationId, string AgentName, string? FrameworkType, DateTime ClaimExpiresAt, IEnumerable<WorkspaceRef> Workspaces);

    // Where the caller may bring an agent: workspaces they own or administer.
    private const string WorkspacesSql = """
        select w.id, w.name from workspaces w join memberships m on m.workspace_id = w.id
        where m.user_id = @userId and m.role in ('owner', 'admin')
        order by lower(w.name)
        """;

    /// <summary>What the claim page shows: the agent, and the workspaces the caller can claim it into.</summary>
    public static async Task<Results<Ok<ClaimPreview>, ProblemHttpResult>> Handle(
        Guid registrationId, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var registration = await AgentRegistrations.FindAsync(conn, registrationId);
        if (AgentRegistrations.ClaimProblem(registration, clock) is { } problem) return problem;
        var workspaces = await conn.QueryAsync<WorkspaceRef>(WorkspacesSql, new { userId = user.UserId() });
        return TypedResults.Ok(new ClaimPreview(registrationId, registration!.AgentName, registration.FrameworkType, registration.ClaimExpiresAt, workspaces));
    }
}
