namespace AgentLink.Functions.Agents;

public sealed class GetAgentStatus(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The calling agent's registration: pending (with its claim URL), claimed (with the workspace) or expired.</summary>
    [Function(nameof(GetAgentStatus))]
    [Caller(Caller.Agent)]
    public async Task<Ok<RegistrationView>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/me")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var agent = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var registration = (await AgentRegistrations.FindAsync(conn, agent.RegistrationId(), ct))!;
        return TypedResults.Ok(registration.ToView(clock, AgentRegistrations.ClaimUrl(req, registration.Id)));
    }
}
