namespace AgentLink.Functions.Workspaces;

public static class GetWorkspace
{
    private const string Sql = """
        select w.id, w.name, m.role, w.owner_id, w.created_at
        from workspaces w join memberships m on m.workspace_id = w.id and m.user_id = @userId
        where w.id = @workspaceId
        """;

    public static async Task<Results<Ok<WorkspaceView>, ProblemHttpResult>> Handle(
        Guid workspaceId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspace = await conn.QuerySingleOrDefaultAsync<WorkspaceView>(Sql, new { workspaceId, userId = user.UserId() });
        return workspace is null ? ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace") : TypedResults.Ok(workspace);
    }
}
