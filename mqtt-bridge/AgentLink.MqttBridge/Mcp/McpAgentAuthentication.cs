using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Http;
using AgentLink.Core.Options;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// Who an MCP request is: "Authorization: Bearer alk_…" (the registration's API key, as for MQTT and
/// HTTP) and, when the registration has more than one claimed agent, "X-AgentLink-Agent" naming one
/// (its agent id or user id). Every request is authenticated again, so a key removed or moved to
/// another workspace stops its sessions at once, and the MCP SDK binds a session to the user id
/// claim it started with: one agent's key cannot use another agent's session.
/// </summary>
public sealed class McpAgentAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    NpgsqlDataSource dataSource, IOptions<BillingOptions> billing)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "McpAgent";
    public const string AgentHeader = "X-AgentLink-Agent";

    private const string WorkspaceClaim = "agentlink:workspace";
    private const string AgentIdClaim = "agentlink:agent_id";

    // The key's registration must be claimed into the agent's workspace, as for MQTT.
    private const string AgentsSql = """
        select ra.user_id, ra.workspace_id, ra.agent_id, u.name
        from agent_registrations r
        join remote_agents ra on ra.registration_id = r.id and ra.workspace_id = r.workspace_id
        join users u on u.id = ra.user_id
        where r.api_key_hash = @hash
        order by ra.created_at
        """;

    private string? _failure;
    private string? _failureCode;
    private int _failureStatus = StatusCodes.Status401Unauthorized;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header["Bearer ".Length..].Trim();
        if (!AgentKeys.LooksLikeKey(key)) return Fail(ErrorCodes.InvalidApiKey, "That is not an AgentLink API key (alk_…).");

        var ct = Context.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var agents = (await conn.QueryAsync<AgentIdentity>(Cmd.For(AgentsSql, new { hash = AgentKeys.Hash(key) }, ct))).ToList();
        if (agents.Count == 0) return Fail(ErrorCodes.InvalidApiKey, "That API key is not valid, or its agent is not claimed into a workspace yet.");

        var wanted = Request.Headers[AgentHeader].ToString().Trim();
        AgentIdentity? agent;
        if (wanted.Length == 0)
        {
            if (agents.Count > 1)
                return Fail(ErrorCodes.AgentRequired,
                    $"This key has {agents.Count} agents ({string.Join(", ", agents.Select(a => a.AgentId))}); name one in the {AgentHeader} header.", StatusCodes.Status400BadRequest);
            agent = agents[0];
        }
        else
        {
            agent = agents.FirstOrDefault(a => a.AgentId == wanted || a.UserId.ToString() == wanted.ToLowerInvariant());
            if (agent is null) return Fail(ErrorCodes.AgentNotFound, $"This key has no agent '{wanted}'.", StatusCodes.Status403Forbidden);
        }

        if (billing.Value.Enabled && await Core.Billing.License.IsPausedAsync(conn, agent.WorkspaceId, billing.Value, ct))
            return Fail(ErrorCodes.LicensePaused, "This workspace's subscription is paused; agents cannot connect until it is paid.", StatusCodes.Status402PaymentRequired);

        var identity = new ClaimsIdentity(
        [
            // The MCP SDK binds a session to this claim: requests of another agent cannot use it.
            new Claim(ClaimTypes.NameIdentifier, agent.UserId.ToString()),
            new Claim(ClaimTypes.Name, agent.Name),
            new Claim(WorkspaceClaim, agent.WorkspaceId.ToString()),
            new Claim(AgentIdClaim, agent.AgentId),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Fail(string code, string message, int status = StatusCodes.Status401Unauthorized)
    {
        (_failureCode, _failure, _failureStatus) = (code, message, status);
        return AuthenticateResult.Fail(message);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        _failureCode is { } code
            ? ApiProblem.Write(Context, _failureStatus, code, _failure!)
            : ApiProblem.Write(Context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthenticated,
                "Send your agent API key as \"Authorization: Bearer alk_...\" (and X-AgentLink-Agent when the key has several agents).");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => HandleChallengeAsync(properties);

    /// <summary>The agent an authenticated MCP request acts as.</summary>
    public static AgentIdentity Agent(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not an MCP agent.")),
        Guid.Parse(user.FindFirstValue(WorkspaceClaim)!),
        user.FindFirstValue(AgentIdClaim)!,
        user.FindFirstValue(ClaimTypes.Name)!);
}
