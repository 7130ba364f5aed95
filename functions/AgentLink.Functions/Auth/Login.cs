using AgentLink.Core.Limits;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Auth;

public sealed class Login(NpgsqlDataSource dataSource, Sessions sessions, WindowLimiter limiter, IOptions<RateLimitOptions> limits)
{
    public sealed record Request(string? Email, string? Password);

    private const string FindSql = """
        select id, email, name, kind, password_hash from users
        where lower(email) = lower(@email) and kind = 'human'
        """;

    private sealed record Account(Guid Id, string Email, string Name, string Kind, string PasswordHash);

    /// <summary>
    /// Signs a person in with email and password. Limited per client address (AgentLink:Auth:LoginAttemptsPerMinute)
    /// and per account (AgentLink:RateLimits:LoginAttemptsPerAccountPerMinute), so guessing from many addresses is slow too.
    /// </summary>
    [Function(nameof(Login))]
    [Caller(Caller.Anyone), RateLimit(RateLimitPolicies.SignIn), JsonBody(typeof(Request))]
    public async Task<Results<Ok<SessionResponse>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/auth/login")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var body = await req.ReadJsonAsync<Request>();
        var check = new Validate().Required("email", body.Email, 254).Required("password", body.Password, 128);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);
        var account = body.Email!.Trim().ToLowerInvariant();
        if (await limiter.TryAcquireAsync("sign-in-account", account, limits.Value.LoginAttemptsPerAccountPerMinute, TimeSpan.FromMinutes(1)) is { } wait)
        {
            req.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
            return ApiProblem.Of(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many sign-in attempts for this account; wait a minute.");
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var found = await conn.QuerySingleOrDefaultAsync<Account>(Cmd.For(FindSql, new { email = body.Email!.Trim() }, ct));
        // Verify against a decoy when the account is unknown so both answers take as long.
        var valid = PasswordHashing.Verify(found?.PasswordHash ?? PasswordHashing.DecoyHash, body.Password!) && found is not null;
        if (!valid)
            return ApiProblem.Of(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Wrong email or password.");

        var user = new UserView(found!.Id, found.Email, found.Name, found.Kind);
        return TypedResults.Ok(await sessions.StartAsync(req.HttpContext, user, conn));
    }
}
