namespace AgentLink.Functions.Auth;

public sealed class Login(NpgsqlDataSource dataSource, Sessions sessions)
{
    public sealed record Request(string? Email, string? Password);

    private const string FindSql = """
        select id, email, name, kind, password_hash from users
        where lower(email) = lower(@email) and kind = 'human'
        """;

    private sealed record Account(Guid Id, string Email, string Name, string Kind, string PasswordHash);

    /// <summary>Signs a person in with email and password; limited per client address (AgentLink:Auth:LoginAttemptsPerMinute).</summary>
    [Function(nameof(Login))]
    [Caller(Caller.Anyone), RateLimit(RateLimitPolicies.SignIn), JsonBody(typeof(Request))]
    public async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/login")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var body = await req.ReadJsonAsync<Request>();
        var check = new Validate().Required("email", body.Email, 254).Required("password", body.Password, 128);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var account = await conn.QuerySingleOrDefaultAsync<Account>(Cmd.For(FindSql, new { email = body.Email!.Trim() }, ct));
        // Verify against a decoy when the account is unknown so both answers take as long.
        var valid = PasswordHashing.Verify(account?.PasswordHash ?? PasswordHashing.DecoyHash, body.Password!) && account is not null;
        if (!valid)
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Wrong email or password.");

        var user = new UserView(account!.Id, account.Email, account.Name, account.Kind);
        return TypedResults.Ok(await sessions.StartAsync(req.HttpContext, user, conn));
    }
}
