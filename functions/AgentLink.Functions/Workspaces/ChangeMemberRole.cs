using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public sealed class ChangeMemberRole(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Role);

    public sealed record MemberRoleView(Guid UserId, string Role);

    // The owner guard is in the WHERE: the owner's row never changes here, whatever was read before.
    private const string UpdateSql = """
        update memberships set role = @role
        where workspace_id = @workspaceId and user_id = @userId and role <> 'owner'
        returning role
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

        await conn.ExecuteAsync(Cmd.For(UpdateSql, new { workspaceId, userId, role = body.Role }, ct, tx));
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var view = new MemberRoleView(userId, body.Role!);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberUpdated, null, null, view, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
