namespace AgentLink.Functions.Common;

/// <summary>Whether an agent (its user id) belongs to a workspace: the check behind every route that names an agent of a workspace.</summary>
public static class WorkspaceAgents
{
    private const string ExistsSql = "select exists (select 1 from remote_agents where user_id = @agentUserId and workspace_id = @workspaceId)";

    public static Task<bool> ContainsAsync(System.Data.IDbConnection conn, Guid workspaceId, Guid agentUserId, CancellationToken ct, System.Data.IDbTransaction? tx = null) =>
        conn.ExecuteScalarAsync<bool>(Cmd.For(ExistsSql, new { agentUserId, workspaceId }, ct, tx));
}
