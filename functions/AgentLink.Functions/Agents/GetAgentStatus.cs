namespace AgentLink.Functions.Agents;

public static class GetAgentStatus
{
    /// <summary>The calling agent's registration: pending (with its claim URL), claimed (with the workspace) or expired.</summary>
    public static async Task<Ok<RegistrationView>> Handle(
        ClaimsPrincipal agent, HttpRequest request, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var registration = (await AgentRegistrations.FindAsync(conn, agent.RegistrationId()))!;
        return TypedResults.Ok(registration.ToView(clock, AgentRegistrations.ClaimUrl(request, registration.Id)));
    }
}
