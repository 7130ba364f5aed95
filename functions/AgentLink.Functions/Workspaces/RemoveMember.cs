using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public sealed class RemoveMember(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus)
{
    /// <summary>
    /// Takes someone out of the workspace. A member may leave; the owner removes anyone else; an admin
    /// removes members and viewers. The owner cannot be removed (transfer is not offered yet).
    /// Removing an agent also revokes its MQTT identity and drops its connection.
    /// </summary>
    [Function(nameof(RemoveMember))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/workspaces/{workspaceId:guid}/members/{userId:guid}")] HttpRequest req,
        Guid workspaceId, Guid userId)
    {
        var ct = req.HttpContext.RequestAborted;
        var callerId = req.HttpContext.User.UserId();
        var callerRole = FunctionGate.WorkspaceRole(req.HttpContext);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var targetRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, userId, ct, tx);
        if (targetRole is null) return ApiProblem.NotFound(ErrorCodes.MemberNotFound, "Member");
        if (targetRole == Roles.Owner) return ApiProblem.Conflict(ErrorCodes.OwnerImmutable, "The owner cannot be removed.");
        var allowed = userId == callerId
            || callerRole == Roles.Owner
            || (callerRole == Roles.Admin && targetRole is Roles.Member or Roles.Viewer);
        if (!allowed) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role cannot remove this member.");

        if (await MemberRemoval.RemoveAsync(conn, tx, workspaceId, userId, callerId, ct) is not { } removed)
        {
            // The caller's role (or theirs) changed since the check.
            await tx.RollbackAsync(ct);
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role cannot remove this member.");
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(removed.Event, ct);
        if (removed.WasAgent) await MemberRemoval.DisconnectAgentAsync(bus, userId);
        return TypedResults.NoContent();
    }
}
