using AgentLink.Core.Data;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentLink.Core.Agents;
using AgentLink.Core.Http;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Core.Auth;

/// <summary>
/// Authenticates an agent by its registration's API key, sent as
/// "Authorization: Bearer alk_...". The principal carries the registration id;
/// handlers read everything else from the database.
/// </summary>
public sealed class AgentKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "AgentKey";
    public const string PolicyName = "Agent";
    public const string RegistrationClaim = "registration";

    private const string FindSql = "select id from agent_registrations where api_key_hash = @hash";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (!AgentKeys.LooksLikeKey(key)) return AuthenticateResult.Fail("Not an agent API key.");

        var ct = Context.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var registrationId = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(FindSql, new { hash = AgentKeys.Hash(key) }, ct));
        if (registrationId is null) return AuthenticateResult.Fail("Unknown API key.");
        var identity = new ClaimsIdentity([new Claim(RegistrationClaim, registrationId.Value.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Request.Headers.Authorization.Count == 0
            ? ApiProblem.Write(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated,
                "Send your agent API key as \"Authorization: Bearer alk_...\".")
            : ApiProblem.Write(Context, StatusCodes.Status401Unauthorized, ErrorCodes.InvalidApiKey, "That API key is not valid.");

    /// <summary>The API key the request was authenticated with (handlers echo it as the MQTT password).</summary>
    public static string ApiKey(HttpRequest request) => request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
}

public static class AgentPrincipal
{
    public static Guid RegistrationId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(AgentKeyAuthenticationHandler.RegistrationClaim) ?? throw new InvalidOperationException("Not an agent."));
}
