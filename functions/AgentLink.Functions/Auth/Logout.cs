namespace AgentLink.Functions.Auth;

public sealed class Logout(NpgsqlDataSource dataSource, Sessions sessions, AgentLink.Core.Events.IEventBus bus)
{
    private const string RevokeSql = "update sessions set revoked_at = now() where id = @sessionId and revoked_at is null";

    /// <summary>Ends the session everywhere (every host checks the row; its open live streams close), and clears the cookie.</summary>
    [Function(nameof(Logout))]
    [Caller(Caller.Person)]
    public async Task<NoContent> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/logout")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var http = req.HttpContext;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(Cmd.For(RevokeSql, new { sessionId = http.User.SessionId() }, ct));
        sessions.ClearCookie(http);
        await Sessions.AnnounceEndedAsync(bus, [http.User.SessionId()]);
        return TypedResults.NoContent();
    }
}
