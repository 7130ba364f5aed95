namespace AgentLink.Functions.Auth;

public static class Login
{
    public sealed record Request(string? Email, string? Password);

    private const string FindSql = """
        select id, email, name, kind, password_hash from users
        where lower(email) = lower(@email) and kind = 'human'
        """;

    private sealed record Account(Guid Id, string Email, string Name, string Kind, string PasswordHash);

    public static async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request body, NpgsqlDataSource dataSource, Sessions sessions, HttpContext http)
    {
        var check = new Validate().Required("email", body.Email, 254).Required("password", body.Password, 128);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(http.RequestAborted);
        var account = await conn.QuerySingleOrDefaultAsync<Account>(FindSql, new { email = body.Email!.Trim() });
        // Verify against a decoy when the account is unknown so both answers take as long.
        var valid = PasswordHashing.Verify(account?.PasswordHash ?? PasswordHashing.DecoyHash, body.Password!) && account is not null;
        if (!valid)
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Wrong email or password.");

        var user = new UserView(account!.Id, account.Email, account.Name, account.Kind);
        return TypedResults.Ok(await sessions.StartAsync(http, user, conn));
    }
}
