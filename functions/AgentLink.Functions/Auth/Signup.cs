namespace AgentLink.Functions.Auth;

public sealed class Signup(NpgsqlDataSource dataSource, Sessions sessions)
{
    public sealed record Request(string? Email, string? Password, string? Name);

    private const string InsertSql = """
        insert into users (kind, email, name, password_hash) values ('human', @email, @name, @hash)
        returning id, email, name, kind
        """;

    /// <summary>Creates a person's account and signs it in: the session cookie, and the same token in the answer.</summary>
    [Function(nameof(Signup))]
    [Caller(Caller.Anyone), RateLimit(RateLimitPolicies.SignUp), JsonBody(typeof(Request))]
    public async Task<Results<Created<SessionResponse>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/signup")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var email = body.Email?.Trim() ?? "";
        var name = body.Name?.Trim() ?? "";
        var check = new Validate()
            .Required("email", email, 254)
            .Check(email.Length == 0 || LooksLikeEmail(email), "email", "Not an email address.")
            .Required("name", name, 80)
            .Required("password", body.Password, 128)
            .Check(body.Password is null || body.Password.Length >= 8, "password", "At least 8 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var hash = PasswordHashing.Hash(body.Password!);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        UserView user;
        try
        {
            user = await conn.QuerySingleAsync<UserView>(Cmd.For(InsertSql, new { email, name, hash }, ct, tx));
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation("users_email_key"))
        {
            return ApiProblem.Conflict(ErrorCodes.EmailTaken, "An account with this email already exists.");
        }
        var session = await sessions.StartAsync(req.HttpContext, user, conn, tx);
        await tx.CommitAsync(ct);
        return TypedResults.Created("/api/v1/me", session);
    }

    private static bool LooksLikeEmail(string email)
    {
        var at = email.IndexOf('@');
        return at > 0 && at == email.LastIndexOf('@') && at < email.Length - 1 && !email.Any(char.IsWhiteSpace);
    }
}
