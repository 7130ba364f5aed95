namespace AgentLink.Functions.Workspaces;

public sealed class CreateInvite(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int DefaultHours = 7 * 24;
    public const int MaxHours = 30 * 24;

    /// <summary>Role defaults to member; the link stays valid for ExpiresInHours (default 168, at most 720).</summary>
    public sealed record Request(string? Role, int? ExpiresInHours);

    public sealed record InviteView(string Token, string Url, Guid WorkspaceId, string Role, DateTimeOffset ExpiresAt);

    // The inviter's rights are part of the write: an owner or admin, and only the owner invites admins.
    private const string InsertSql = """
        insert into invitations (workspace_id, token_hash, role, created_by, expires_at)
        select @workspaceId, @hash, @role, @userId, @expiresAt
        where exists (select 1 from memberships m where m.workspace_id = @workspaceId and m.user_id = @userId
                      and (m.role = 'owner' or (m.role = 'admin' and @role <> 'admin')))
        """;

    /// <summary>An invite link into the workspace. Owners and admins invite; only the owner may invite an admin.</summary>
    [Function(nameof(CreateInvite))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Admin), JsonBody(typeof(Request), required: false)]
    public async Task<Results<Created<InviteView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/invites")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        var body = await req.ReadJsonOrDefaultAsync<Request>() ?? new Request(null, null);
        var role = body.Role ?? Roles.Member;
        var hours = body.ExpiresInHours ?? DefaultHours;
        var check = new Validate()
            .Check(Roles.Grantable.Contains(role), "role", "One of admin, member, viewer.")
            .Check(hours is >= 1 and <= MaxHours, "expiresInHours", $"Between 1 and {MaxHours}.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);
        if (role == Roles.Admin && FunctionGate.WorkspaceRole(req.HttpContext) != Roles.Owner)
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the owner invites admins.");

        var token = InviteTokens.New();
        var expiresAt = clock.GetUtcNow().AddHours(hours);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await conn.ExecuteAsync(Cmd.For(InsertSql, new { workspaceId, hash = InviteTokens.Hash(token), role, userId = req.HttpContext.User.UserId(), expiresAt }, ct)) == 0)
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only owners and admins invite, and only the owner invites admins.");
        var view = new InviteView(token, $"/invite/{token}", workspaceId, role, expiresAt);
        return TypedResults.Created(view.Url, view);
    }
}
