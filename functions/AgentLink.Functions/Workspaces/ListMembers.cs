namespace AgentLink.Functions.Workspaces;

public sealed class ListMembers(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        select u.id as user_id, u.name, u.email, u.kind, m.role, m.joined_at
        from memberships m join users u on u.id = m.user_id
        where m.workspace_id = @workspaceId
        order by lower(u.name)
        """;

    /// <summary>The workspace's people and agents, with their roles.</summary>
    [Function(nameof(ListMembers))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<IEnumerable<MemberView>>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/members")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<MemberView>(Cmd.For(Sql, new { workspaceId }, ct)));
    }
}
