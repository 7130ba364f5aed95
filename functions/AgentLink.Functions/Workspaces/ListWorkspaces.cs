namespace AgentLink.Functions.Workspaces;

public static class ListWorkspaces
{
    private const string Sql = """
        select w.id, w.name, m.role, w.owner_id, w.created_at
        from memberships m join workspaces w on w.id = m.workspace_id
        where m.user_id = @userId
        order by w.created_at
        """;

    public static async Task<IEnumerable<WorkspaceView>> Handle(ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QueryAsync<WorkspaceView>(Sql, new { userId = user.UserId() });
    }
}
