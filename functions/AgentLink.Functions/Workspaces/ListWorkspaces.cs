namespace AgentLink.Functions.Workspaces;

public sealed class ListWorkspaces(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        select w.id, w.name, m.role, w.owner_id, w.created_at
        from memberships m join workspaces w on w.id = m.workspace_id
        where m.user_id = @userId
        order by w.created_at
        """;

    /// <summary>The workspaces the caller belongs to, with their role in each.</summary>
    [Function(nameof(ListWorkspaces))]
    [Caller(Caller.Person)]
    public async Task<Ok<IEnumerable<WorkspaceView>>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<WorkspaceView>(Cmd.For(Sql, new { userId = req.HttpContext.User.UserId() }, ct)));
    }
}
