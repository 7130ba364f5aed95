namespace AgentLink.Functions.Workspaces;

public static class ListMembers
{
    private const string Sql = """
        select u.id as user_id, u.name, u.email, u.kind, m.role, m.joined_at
        from memberships m join users u on u.id = m.user_id
        where m.workspace_id = @workspaceId
        order by lower(u.name)
        """;

    public static async Task<Results<Ok<IEnumerable<MemberView>>, ProblemHttpResult>> Handle(
        Guid workspaceId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.RoleAsync(conn, workspaceId, user.UserId()) is null)
            return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        return TypedResults.Ok(await conn.QueryAsync<MemberView>(Sql, new { workspaceId }));
    }
}
