using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Auth;

public sealed record UserView(Guid Id, string? Email, string Name, string Kind);

public sealed record SessionResponse(UserView User, string Token, DateTimeOffset ExpiresAt);

/// <summary>Starts a session: a sessions row, a signed token, and the HttpOnly cookie for browsers.</summary>
public sealed class Sessions(NpgsqlDataSource dataSource, SessionTokens tokens, IOptions<AuthOptions> options, TimeProvider clock)
{
    private const string InsertSql = "insert into sessions (id, user_id, expires_at) values (@id, @userId, @expiresAt)";

    public async Task<SessionResponse> StartAsync(HttpContext http, UserView user, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null)
    {
        var ct = http.RequestAborted;
        var id = Guid.NewGuid();
        var expiresAt = clock.GetUtcNow().Add(options.Value.SessionLifetime);
        if (conn is null)
        {
            await using var own = await dataSource.OpenConnectionAsync(ct);
            await own.ExecuteAsync(Cmd.For(InsertSql, new { id, userId = user.Id, expiresAt }, ct));
        }
        else
        {
            await conn.ExecuteAsync(Cmd.For(InsertSql, new { id, userId = user.Id, expiresAt }, ct, tx));
        }
        var token = tokens.Issue(id, expiresAt);
        http.Response.Cookies.Append(options.Value.CookieName, token, CookieOptions(http, expiresAt));
        return new SessionResponse(user, token, expiresAt);
    }

    /// <summary>
    /// Tells every web instance to close the streams of these ended sessions at once (the relays also
    /// re-check open sessions periodically, in case this signal is lost). Never throws.
    /// </summary>
    public static async Task AnnounceEndedAsync(IEventBus bus, IReadOnlyCollection<Guid> sessionIds)
    {
        if (sessionIds.Count == 0) return;
        try { await bus.PublishAsync(BusTopics.SessionsRevoked, string.Join(',', sessionIds)); }
        catch (Exception) { /* The relays' periodic check ends them. */ }
    }

    public void ClearCookie(HttpContext http) =>
        http.Response.Cookies.Delete(options.Value.CookieName, CookieOptions(http, null));

    private static CookieOptions CookieOptions(HttpContext http, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
    };
}
