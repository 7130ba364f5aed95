namespace AgentLink.Functions.Agents;

public sealed class ClaimAgent(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public sealed record Request(Guid? WorkspaceId);

    /// <summary>A workspace owner or admin brings a registered agent into their workspace.</summary>
    [Function(nameof(ClaimAgent))]
    [Caller(Caller.Person), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.Body)]
    public async Task<Results<Ok<RegistrationView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/claim/{registrationId:guid}")] HttpRequest req, Guid registrationId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        if (body.WorkspaceId is not { } workspaceId) return ApiProblem.Invalid("workspaceId", "Required.");
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var role = await WorkspaceAccess.RoleAsync(conn, workspaceId, userId, ct);
        if (role is null) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        if (!Roles.IsAdmin(role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only owners and admins bring agents into a workspace.");

        var registration = await AgentRegistrations.FindAsync(conn, registrationId, ct);
        if (AgentRegistrations.ClaimProblem(registration, clock) is { } problem) return problem;
        if (!await AgentRegistrations.ClaimAsync(conn, registrationId, workspaceId, userId, ct))
            return AgentRegistrations.ClaimProblem(await AgentRegistrations.FindAsync(conn, registrationId, ct), clock)
                   ?? ApiProblem.Conflict(ErrorCodes.AgentAlreadyClaimed, "This agent has already been claimed.");
        var claimed = (await AgentRegistrations.FindAsync(conn, registrationId, ct))!;
        return TypedResults.Ok(claimed.ToView(clock, null));
    }
}
