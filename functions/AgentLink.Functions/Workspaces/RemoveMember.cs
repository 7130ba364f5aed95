using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public static class RemoveMember
{
    private const string DeleteSql = """
        delete from remote_agents where workspace_id = @workspaceId and user_id = @userId;
        delete from channel_members where workspace_id = @workspaceId and user_id = @userId;
        delete from memberships where workspace_id = @workspaceId and user_id = @userId;
        """;

    private const string IsAgentSql = "select exists (select 1 from remote_agents where workspace_id = @workspaceId and user_id = @userId)";

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

        var isAgent = await conn.ExecuteScalarAsync<bool>(IsAgentSql, new { workspaceId, userId }, tx);
        await conn.ExecuteAsync(DeleteSql, new { workspaceId, userId }, tx);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberRemoved, null, null, new { userId });
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        if (isAgent) await Agents.AgentRemoval.DisconnectAsync(bus, userId);
        return TypedResults.NoContent();
    }
}
