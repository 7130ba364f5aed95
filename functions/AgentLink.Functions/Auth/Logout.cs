namespace AgentLink.Functions.Auth;

public static class Logout
{
    private const string RevokeSql = "update sessions set revoked_at = now() where id = @sessionId and revoked_at is null";

    /// <summary>Revokes the session everywhere (every host checks the row), and clears the cookie.</summary>
    public static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource dataSource, Sessions sessions, HttpContext http)
    {
        await using var conn = await dataSource.OpenConnectionAsync(http.RequestAborted);
        await conn.ExecuteAsync(RevokeSql, new { sessionId = user.SessionId() });
        sessions.ClearCookie(http);
        return TypedResults.NoContent();
    }
}
