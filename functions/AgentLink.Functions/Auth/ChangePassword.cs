using AgentLink.Core.Events;

namespace AgentLink.Functions.Auth;

public sealed class ChangePassword(NpgsqlDataSource dataSource, IEventBus bus)
{
    public sealed record Request(string? CurrentPassword, string? NewPassword);

    public sealed record Response(int SessionsEnded);

    private const string FindSql = "select password_hash from users where id = @userId and kind = 'human'";

    private const string UpdateSql = "update users set password_hash = @hash where id = @userId";

    // Every other session of the person ends: whoever knew the old password is out, on every device.
    private const string EndOthersSql = """
        update sessions set revoked_at = now()
        where user_id = @userId and id <> @sessionId and revoked_at is null and expires_at > now()
        returning id
        """;

    /// <summary>Changes the signed-in person's password (the current one is required) and ends all their other sessions.</summary>
    [Function(nameof(ChangePassword))]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.SignIn), JsonBody(typeof(Request))]
    public async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/password")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var check = new Validate()
            .Required("currentPassword", body.CurrentPassword, 128)
            .Required("newPassword", body.NewPassword, 128)
            .Check(body.NewPassword is null || body.NewPassword.Length >= 8, "newPassword", "At least 8 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var hash = await conn.QuerySingleOrDefaultAsync<string>(Cmd.For(FindSql, new { userId }, ct, tx));
        if (hash is null || !PasswordHashing.Verify(hash, body.CurrentPassword!))
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "The current password is wrong.");
        await conn.ExecuteAsync(Cmd.For(UpdateSql, new { userId, hash = PasswordHashing.Hash(body.NewPassword!) }, ct, tx));
        var ended = (await conn.QueryAsync<Guid>(Cmd.For(EndOthersSql, new { userId, sessionId = user.SessionId() }, ct, tx))).ToList();
        await tx.CommitAsync(ct);
        await Sessions.AnnounceEndedAsync(bus, ended);
        return TypedResults.Ok(new Response(ended.Count));
    }
}
