namespace AgentLink.Functions.Auth;

public sealed class Me(NpgsqlDataSource dataSource)
{
    private const string Sql = "select id, email, name, kind from users where id = @userId";

    /// <summary>The signed-in person.</summary>
    [Function(nameof(Me))]
    [Caller(Caller.Person)]
    public async Task<Ok<UserView>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QuerySingleAsync<UserView>(Cmd.For(Sql, new { userId = req.HttpContext.User.UserId() }, ct)));
    }
}
