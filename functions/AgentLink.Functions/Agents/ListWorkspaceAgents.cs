namespace AgentLink.Functions.Agents;

public static class ListWorkspaceAgents
{
    public sealed record WorkspaceAgentView(
        Guid UserId, string AgentId, string Name, string Status, bool Online, DateTime? LastSeen, Guid RegistrationId, string AgentName, string? FrameworkType);

    private const string Sql = """
        select ra.user_id, ra.agent_id, u.name, ra.status, ra.status <> 'offline' as online, ra.last_seen,
               r.id as registration_id, r.agent_name, r.framework_type
        from remote_agents ra join users u on u.id = ra.user_id join agent_registrations r on r.id = ra.registration_id
        where ra.workspace_id = @workspaceId
        order by lower(u.name)
        """;

    /// <summary>The workspace's agents with their presence (online, busy, away, offline) and last seen; any member may look.</summary>
    public static async Task<Results<Ok<IEnumerable<WorkspaceAgentView>>, ProblemHttpResult>> Handle(
        Guid workspaceId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.RoleAsync(conn, workspaceId, user.UserId()) is null)
            return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        return TypedResults.Ok(await conn.QueryAsync<WorkspaceAgentView>(Sql, new { workspaceId }));
    }
}
