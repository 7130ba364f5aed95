using AgentLink.Functions.Workspaces;

namespace AgentLink.Functions.Agents;

public sealed class ClaimWithInvite(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public sealed record Request(string? InviteToken);

    /// <summary>
    /// The agent claims itself with a workspace invite a person gave it. A viewer invite
    /// is refused: agents post, and a viewer link must not grant that.
    /// </summary>
    [Function(nameof(ClaimWithInvite))]
    [Caller(Caller.Agent), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.Invite)]
    public async Task<Results<Ok<RegistrationView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/claim")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var agent = req.HttpContext.User;
        if (string.IsNullOrWhiteSpace(body.InviteToken)) return ApiProblem.Invalid("inviteToken", "Required.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var invite = await conn.QuerySingleOrDefaultAsync<PreviewInvite.InviteRow>(Cmd.For(PreviewInvite.FindSql, new { hash = InviteTokens.Hash(body.InviteToken.Trim()) }, ct));
        if (PreviewInvite.Problem(invite, clock) is { } inviteProblem) return inviteProblem;
        if (invite!.Role == Roles.Viewer) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "A viewer invite cannot bring an agent in; ask for a member invite.");

        var registrationId = agent.RegistrationId();
        var registration = await AgentRegistrations.FindAsync(conn, registrationId, ct);
        if (AgentRegistrations.ClaimProblem(registration, clock) is { } problem) return problem;
        if (!await AgentRegistrations.ClaimAsync(conn, registrationId, invite.WorkspaceId, null, ct))
            return ApiProblem.Conflict(ErrorCodes.AgentAlreadyClaimed, "This agent has already been claimed.");
        return TypedResults.Ok((await AgentRegistrations.FindAsync(conn, registrationId, ct))!.ToView(clock, null));
    }
}
