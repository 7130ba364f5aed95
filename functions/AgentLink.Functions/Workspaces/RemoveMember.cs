using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public static class RemoveMember
{
    /// <summary>
    /// A member may leave; the owner removes anyone else; an admin removes members and viewers.
    /// The owner cannot be removed (transfer is not offered yet). Removing an agent also
    /// revokes its MQTT identity and drops its connection.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid workspaceId, Guid userId, ClaimsPrincipal user, NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, CancellationToken ct)
    {
        var callerId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var callerRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, callerId, tx);
        if (callerRole is null) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        var targetRole = await WorkspaceAccess.RoleAsync(conn, workspaceId, userId, tx);
        if (targetRole is null) return ApiProblem.NotFound(ErrorCodes.MemberNotFound, "Member");
        if (targetRole == Roles.Owner) return ApiProblem.Conflict(ErrorCodes.OwnerImmutable, "The owner cannot be removed.");
        var allowed = userId == callerId
            || callerRole == Roles.Owner
            || (callerRole == Roles.Admin && targetRole is Roles.Member or Roles.Viewer);
        if (!allowed) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role cannot remove this member.");

        var removed = await MemberRemoval.RemoveAsync(conn, tx, workspaceId, userId);
        await tx.CommitAsync(ct);
        await events.PublishAsync(removed.Event, ct);
        if (removed.WasAgent) await MemberRemoval.DisconnectAgentAsync(bus, userId);
        return TypedResults.NoContent();
    }
}
