using AgentLink.Core.Events;

namespace AgentLink.Functions.Auth;

public sealed class UpdateProfile(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Name);

    private const string UpdateSql = "update users set name = @name where id = @userId and kind = 'human' returning id, email, name, kind";
    private const string WorkspacesSql = "select workspace_id from memberships where user_id = @userId order by workspace_id";

    /// <summary>Changes the signed-in person's display name; every workspace they are in is told (workspace.member_updated).</summary>
    [Function(nameof(UpdateProfile))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Ok<UserView>, ValidationProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/me")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var name = body.Name?.Trim() ?? "";
        var check = new Validate().Required("name", name, 80);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var user = await conn.QuerySingleAsync<UserView>(Cmd.For(UpdateSql, new { userId, name }, ct, tx));
        // Workspaces in id order, so two renames at once lock their rows in the same order.
        var published = new List<WorkspaceEvent>();
        foreach (var workspaceId in await conn.QueryAsync<Guid>(Cmd.For(WorkspacesSql, new { userId }, ct, tx)))
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
            published.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberUpdated, null, null, new { userId, name }, ct));
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(published, ct);
        return TypedResults.Ok(user);
    }
}
