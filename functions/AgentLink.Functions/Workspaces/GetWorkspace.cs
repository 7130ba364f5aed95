namespace AgentLink.Functions.Workspaces;

public sealed class GetWorkspace(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        select w.id, w.name, m.role, w.owner_id, w.created_at
        from workspaces w join memberships m on m.workspace_id = w.id and m.user_id = @userId
        where w.id = @workspaceId
        """;

    /// <summary>One workspace the caller belongs to.</summary>
    [Function(nameof(GetWorkspace))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<WorkspaceView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspace = await conn.QuerySingleOrDefaultAsync<WorkspaceView>(Cmd.For(Sql, new { workspaceId, userId = req.HttpContext.User.UserId() }, ct));
        return workspace is null ? ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace") : TypedResults.Ok(workspace);
    }
}
