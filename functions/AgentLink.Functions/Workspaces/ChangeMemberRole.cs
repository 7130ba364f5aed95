using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public static class ChangeMemberRole
{
    public sealed record Request(string? Role);

    private const string UpdateSql = """
        update memberships set role = @role
        where workspace_id = @workspaceId and user_id = @userId and role <> 'owner'
        returning role
        """;

    /// <summary>Owner only. The owner's own role cannot be changed here.</summary>
    public static async Task<Results<Ok<MemberRoleView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid workspaceId, Guid userId, Request body, ClaimsPrincipal user, NpgsqlDataSource dataSource, EventPublisher events, CancellationToken ct)
    {
        var check = new Validate().Check(body.Role is not null && Roles.Grantable.Contains(body.Role), "role", "One of admin, member, viewer.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var callerRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, user.UserId(), tx);
        if (callerRole is null) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        if (callerRole != Roles.Owner) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the owner changes roles.");
        var targetRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, userId, tx);
        if (targetRole is null) return ApiProblem.NotFound(ErrorCodes.MemberNotFound, "Member");
        if (targetRole == Roles.Owner) return ApiProblem.Conflict(ErrorCodes.OwnerImmutable, "The owner's role cannot change.");

        await conn.ExecuteAsync(UpdateSql, new { workspaceId, userId, role = body.Role }, tx);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId);
        var view = new MemberRoleView(userId, body.Role!);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberUpdated, null, null, view);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }

    public sealed record MemberRoleView(Guid UserId, string Role);
}
