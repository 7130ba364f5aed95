using System.Data;

namespace AgentLink.Functions.Agents;

/// <summary>Reading a registration, and the rules every claim path shares.</summary>
public static class AgentRegistrations
{
    public sealed record Row(Guid Id, string AgentName, string? FrameworkType, DateTime ClaimExpiresAt, Guid? WorkspaceId, string? WorkspaceName)
    {
        public bool Claimed => WorkspaceId is not null;

        public string Status(TimeProvider clock) => Claimed ? "claimed" : ClaimExpiresAt <= clock.GetUtcNow() ? "expired" : "pending";

        public RegistrationView ToView(TimeProvider clock, string? claimUrl) => new(Id, AgentName, FrameworkType, Status(clock), ClaimExpiresAt,
            Claimed ? null : claimUrl, WorkspaceId is { } w ? new WorkspaceRef(w, WorkspaceName!) : null);
    }

    private const string FindSql = """
        select r.id, r.agent_name, r.framework_type, r.claim_expires_at, r.workspace_id, w.name as workspace_name
        from agent_registrations r left join workspaces w on w.id = r.workspace_id
        where r.id = @registrationId
        """;

    // Claims only an unclaimed registration inside its window (two claims racing, one wins), and a
    // person only into a workspace they own or administer (an agent's invite was checked with it).
    private const string ClaimSql = """
        update agent_registrations set workspace_id = @workspaceId, claimed_by = @claimedBy, claimed_at = now()
        where id = @registrationId and workspace_id is null and claim_expires_at > now()
          and (@claimedBy::uuid is null
               or exists (select 1 from memberships m where m.workspace_id = @workspaceId and m.user_id = @claimedBy and m.role in ('owner', 'admin')))
        """;

    public static Task<Row?> FindAsync(IDbConnection conn, Guid registrationId, CancellationToken ct, IDbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<Row?>(Cmd.For(FindSql, new { registrationId }, ct, tx));

    /// <summary>Why this registration cannot be claimed now, or null when it can.</summary>
    public static ProblemHttpResult? ClaimProblem(Row? registration, TimeProvider clock) => registration switch
    {
        null => ApiProblem.NotFound(ErrorCodes.RegistrationNotFound, "Agent registration"),
        { Claimed: true } => ApiProblem.Conflict(ErrorCodes.AgentAlreadyClaimed, "This agent has already been claimed."),
        _ when registration.ClaimExpiresAt <= clock.GetUtcNow() => ApiProblem.Of(StatusCodes.Status410Gone, ErrorCodes.ClaimExpired,
            "This claim link has expired; the agent must register again."),
        _ => null,
    };

    /// <summary>Claims the registration into the workspace; false when it was claimed (or expired) meanwhile.</summary>
    public static async Task<bool> ClaimAsync(IDbConnection conn, Guid registrationId, Guid workspaceId, Guid? claimedBy, CancellationToken ct, IDbTransaction? tx = null) =>
        await conn.ExecuteAsync(Cmd.For(ClaimSql, new { registrationId, workspaceId, claimedBy }, ct, tx)) == 1;

    /// <summary>The page where a person claims the agent, on the origin the request came through.</summary>
    public static string ClaimUrl(HttpRequest request, Guid registrationId) =>
        $"{request.Scheme}://{request.Host}/claim/{registrationId}";
}
