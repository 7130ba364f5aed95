using AgentLink.Core.Data;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Data;

/// <summary>Workspace membership checks shared by hosts that do not go through the HTTP functions (the SSE relay).</summary>
public static class Membership
{
    private const string IsMemberSql = "select exists (select 1 from memberships where workspace_id = @workspaceId and user_id = @userId)";

    public static async Task<bool> IsWorkspaceMemberAsync(NpgsqlDataSource dataSource, Guid? workspaceId, Guid userId, CancellationToken ct)
    {
        if (workspaceId is null) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(IsMemberSql, new { workspaceId, userId }, cancellationToken: ct));
    }
}
