using AgentLink.Core.Data;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentLink.Core.Http;
using AgentLink.Core.Options;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Core.Auth;

/// <summary>
/// Authenticates a browser by its HttpOnly session cookie and an API client by
/// the same token as a bearer header; the session must exist and not be revoked.
/// </summary>
public sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionTokens tokens,
    NpgsqlDataSource dataSource,
    IOptions<AuthOptions> authOptions,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "AgentLinkSession";

    private const string SessionSql = """
        select u.id, u.name
        from sessions s join users u on u.id = s.user_id
        where s.id = @sessionId and s.revoked_at is null and s.expires_at > now()
        """;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request, authOptions.Value.CookieName);
        // Agent API keys belong to the AgentKey scheme; on a person's route they are simply no session.
        if (token is null || Agents.AgentKeys.LooksLikeKey(token)) return AuthenticateResult.NoResult();
        var sessionId = tokens.Read(token, clock.GetUtcNow());
        if (sessionId is null) return AuthenticateResult.Fail("Invalid or expired session token.");

        var ct = Context.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var user = await conn.QuerySingleOrDefaultAsync<(Guid Id, string Name)?>(Cmd.For(SessionSql, new { sessionId }, ct));
        if (user is null) return AuthenticateResult.Fail("Session ended.");

        var identity = new ClaimsIdentity(
            [
                new Claim(CurrentUser.UserIdClaim, user.Value.Id.ToString()),
                new Claim(CurrentUser.SessionIdClaim, sessionId.Value.ToString()),
                new Claim(CurrentUser.NameClaim, user.Value.Name),
            ],
            SchemeName, CurrentUser.NameClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblem.Write(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated, "Sign in first.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblem.Write(Context, StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Not allowed.");

    public static string? ReadToken(HttpRequest request, string cookieName)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header["Bearer ".Length..].Trim();
        return request.Cookies.TryGetValue(cookieName, out var cookie) ? cookie : null;
    }
}
