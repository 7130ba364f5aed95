namespace AgentLink.Functions.Agents;

public sealed class ListWorkspaceAgents(NpgsqlDataSource dataSource)
{
    public sealed record WorkspaceAgentView(
        Guid UserId, string AgentId, string Name, string Status, bool Online, DateTime? LastSeen, Guid RegistrationId, string AgentName, string? FrameworkType,
        string? ClaimedBy, bool CardPublic, string? CardDescription);

    private const string Sql = """
        select ra.user_id, ra.agent_id, u.name, ra.status, ra.status <> 'offline' as online, ra.last_seen,
               r.id as registration_id, r.agent_name, r.framework_type, owner.name as claimed_by, ra.card_public, ra.card_description
        from remote_agents ra join users u on u.id = ra.user_id join agent_registrations r on r.id = ra.registration_id
        left join users owner on owner.id = r.claimed_by
        where ra.workspace_id = @workspaceId
        order by lower(u.name)
        """;

    /// <summary>The workspace's agents with their presence (online, busy, away, offline), last seen and who claimed them (null: claimed with an invite), and their A2A card's visibility and description; any member may look.</summary>
    [Function(nameof(ListWorkspaceAgents))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<IEnumerable<WorkspaceAgentView>>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<WorkspaceAgentView>(Cmd.For(Sql, new { workspaceId }, ct)));
    }
}
