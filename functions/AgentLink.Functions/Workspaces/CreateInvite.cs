namespace AgentLink.Functions.Workspaces;

public static class CreateInvite
{
    public const int DefaultHours = 7 * 24;
    public const int MaxHours = 30 * 24;

    /// <summary>Role defaults to member; the link stays valid for ExpiresInHours (default 168, at most 720).</summary>
    public sealed record Request(string? Role, int? ExpiresInHours);

    public sealed record InviteView(string Token, string Url, Guid WorkspaceId, string Role, DateTimeOffset ExpiresAt);

    private const string InsertSql = """
        insert into invitations (workspace_id, token_hash, role, created_by, expires_at)
        values (@workspaceId, @hash, @role, @userId, @expiresAt)
        """;

    /// <summary>Owners and admins invite; only the owner may invite an admin.</summary>
    public static async Task<Results<Created<InviteView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid workspaceId, Request body, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var role = body.Role ?? Roles.Member;
        var hours = body.ExpiresInHours ?? DefaultHours;
        var check = new Validate()
            .Check(Roles.Grantable.Contains(role), "role", "One of admin, member, viewer.")
            .Check(hours is >= 1 and <= MaxHours, "expiresInHours", $"Between 1 and {MaxHours}.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var callerRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, user.UserId());
        if (callerRole is null) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        if (!Roles.IsAdmin(callerRole)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only owners and admins invite.");
        if (role == Roles.Admin && callerRole != Roles.Owner) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the owner invites admins.");

        var token = InviteTokens.New();
        var expiresAt = clock.GetUtcNow().AddHours(hours);
        await conn.ExecuteAsync(InsertSql, new { workspaceId, hash = InviteTokens.Hash(token), role, userId = user.UserId(), expiresAt });
        var view = new InviteView(token, $"/invite/{token}", workspaceId, role, expiresAt);
        return TypedResults.Created(view.Url, view);
    }
}
