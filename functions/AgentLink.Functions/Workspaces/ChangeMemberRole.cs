using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public sealed class ChangeMemberRole(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Role);

    public sealed record MemberRoleView(Guid UserId, string Role);

    // The rights are in the WHERE: the caller is the owner, and the owner's own row never changes here.
    private const string UpdateSql = """
        update memberships m set role = @role
        where m.workspace_id = @workspaceId and m.user_id = @userId and m.role <> 'owner'
          and exists (select 1 from memberships o where o.workspace_id = @workspaceId and o.user_id = @callerId and o.role = 'owner')
        returning m.role
        """;

    /// <summary>The owner changes a member's role (admin, member, viewer). The owner's own role cannot change here.</summary>
    [Function(nameof(ChangeMemberRole))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Owner), JsonBody(typeof(Request))]
    public async Task<Results<Ok<MemberRoleView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/workspaces/{workspaceId:guid}/members/{userId:guid}")] HttpRequest req,
        Guid workspaceId, Guid userId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var check = new Validate().Check(body.Role is not null && Roles.Grantable.Contains(body.Role), "role", "One of admin, member, viewer.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var targetRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, userId, ct, tx);
        if (targetRole is null) return ApiProblem.NotFound(ErrorCodes.MemberNotFound, "Member");
        if (targetRole == Roles.Owner) return ApiProblem.Conflict(ErrorCodes.OwnerImmutable, "The owner's role cannot change.");

        if (await conn.ExecuteAsync(Cmd.For(UpdateSql, new { workspaceId, userId, role = body.Role, callerId = req.HttpContext.User.UserId() }, ct, tx)) == 0)
        {
            await tx.RollbackAsync(ct);
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the owner changes roles.");
        }
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var view = new MemberRoleView(userId, body.Role!);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberUpdated, null, null, view, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
