namespace AgentLink.Functions.Auth;

public sealed class ListSessions(NpgsqlDataSource dataSource)
{
    public sealed record SessionView(Guid Id, DateTime CreatedAt, DateTime ExpiresAt, bool Current);

    private const string Sql = """
        select id, created_at, expires_at, id = @sessionId as current from sessions
        where user_id = @userId and revoked_at is null and expires_at > now()
        order by created_at desc
        """;

    /// <summary>The signed-in person's open sessions (devices and browsers), the current one marked.</summary>
    [Function(nameof(ListSessions))]
    [Caller(Caller.Person)]
    public async Task<Ok<IEnumerable<SessionView>>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/auth/sessions")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<SessionView>(Cmd.For(Sql, new { userId = user.UserId(), sessionId = user.SessionId() }, ct)));
    }
}
