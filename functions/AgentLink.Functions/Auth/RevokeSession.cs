using AgentLink.Core.Events;

namespace AgentLink.Functions.Auth;

public sealed class RevokeSession(NpgsqlDataSource dataSource, IEventBus bus)
{
    // Only the person's own sessions: someone else's id is simply not found.
    private const string RevokeSql = """
        update sessions set revoked_at = now()
        where id = @sessionId and user_id = @userId and revoked_at is null
        """;

    /// <summary>Ends one of the signed-in person's sessions (a lost phone, a shared computer); its live streams close at once.</summary>
    [Function(nameof(RevokeSession))]
    [Caller(Caller.Person)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/auth/sessions/{sessionId:guid}")] HttpRequest req, Guid sessionId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await conn.ExecuteAsync(Cmd.For(RevokeSql, new { sessionId, userId = req.HttpContext.User.UserId() }, ct)) == 0)
            return ApiProblem.NotFound(ErrorCodes.SessionNotFound, "Session");
        await Sessions.AnnounceEndedAsync(bus, [sessionId]);
        return TypedResults.NoContent();
    }
}
