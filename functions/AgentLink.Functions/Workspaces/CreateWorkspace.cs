namespace AgentLink.Functions.Workspaces;

public sealed class CreateWorkspace(NpgsqlDataSource dataSource)
{
    public sealed record Request(string? Name);

    private const string InsertSql = """
        with w as (insert into workspaces (name, owner_id) values (@name, @userId) returning id, name, owner_id, created_at),
             m as (insert into memberships (workspace_id, user_id, role) select id, @userId, 'owner' from w),
             c as (insert into channels (workspace_id, type, name, created_by) select id, 'channel', 'general', @userId from w returning id, workspace_id),
             cm as (insert into channel_members (channel_id, workspace_id, user_id) select id, workspace_id, @userId from c)
        select w.id, w.name, 'owner' as role, w.owner_id, w.created_at from w
        """;

    /// <summary>Creates a workspace: the creator becomes its owner, and #general is created with them in it.</summary>
    [Function(nameof(CreateWorkspace))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Created<WorkspaceView>, ValidationProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var body = await req.ReadJsonAsync<Request>();
        var name = body.Name?.Trim();
        var check = new Validate().Required("name", name, 80);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspace = await conn.QuerySingleAsync<WorkspaceView>(Cmd.For(InsertSql, new { name, userId = req.HttpContext.User.UserId() }, ct));
        return TypedResults.Created($"/api/v1/workspaces/{workspace.Id}", workspace);
    }
}
