namespace AgentLink.Functions.Common;

/// <summary>The agent a call with an API key acts as: the {agentId} of the route, among the key's own agent ids.</summary>
public static class AgentCaller
{
    private const string FindSql = "select user_id, workspace_id from remote_agents where registration_id = @registrationId and agent_id = @agentId";

    /// <summary>The agent's user id and workspace, or null when the key has no such agent id (404 agent_not_found for the caller).</summary>
    public static Task<(Guid UserId, Guid WorkspaceId)?> FindAsync(System.Data.IDbConnection conn, HttpRequest req, string agentId, CancellationToken ct,
        System.Data.IDbTransaction? tx = null) =>
        conn.QuerySingleOrDefaultAsync<(Guid UserId, Guid WorkspaceId)?>(Cmd.For(FindSql, new { registrationId = req.HttpContext.User.RegistrationId(), agentId }, ct, tx));

    public static async Task<(Guid UserId, Guid WorkspaceId)?> FindAsync(NpgsqlDataSource dataSource, HttpRequest req, string agentId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(conn, req, agentId, ct);
    }
}
