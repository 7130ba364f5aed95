using System.Text.Json;
using AgentLink.Core.Billing;
using AgentLink.Core.Options;
using AgentLink.Functions.Workspaces;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// The check behind <see cref="LicensedAttribute"/>: finds the workspace the call acts in and refuses
/// with 402 <c>license_paused</c> (and where to subscribe) while it is paused. With billing off it
/// does nothing. A workspace it cannot find, or one the caller is not in, is left to the function,
/// which answers as it always does (so the gate tells nobody about other workspaces).
/// </summary>
public sealed class LicenseGate(NpgsqlDataSource dataSource, IOptions<BillingOptions> billing)
{
    // The workspace, only when the caller belongs to it (a person as a member, an agent by its claim).
    private const string TaskSql = "select t.workspace_id from tasks t join memberships m on m.workspace_id = t.workspace_id and m.user_id = @userId where t.id = @id";
    private const string SkillSql = "select s.workspace_id from skills s join memberships m on m.workspace_id = s.workspace_id and m.user_id = @userId where s.id = @id";
    private const string AuditSql = "select r.workspace_id from audit_runs r join memberships m on m.workspace_id = r.workspace_id and m.user_id = @userId where r.id = @id";
    private const string MemberSql = "select workspace_id from memberships where workspace_id = @id and user_id = @userId";
    private const string AgentSql = "select workspace_id from agent_registrations where id = @id";
    private const string InviteSql = "select workspace_id from invitations where token_hash = @hash";

    public async Task<IResult?> RefuseAsync(HttpContext http, WorkspaceFrom from)
    {
        if (!billing.Value.Enabled) return null;
        var ct = http.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspaceId = await WorkspaceOfAsync(conn, http, from, ct);
        if (workspaceId is not { } id || !await License.IsPausedAsync(conn, id, billing.Value, ct)) return null;
        return Paused(id);
    }

    public static ProblemHttpResult Paused(Guid workspaceId) =>
        TypedResults.Problem(detail: License.PausedDetail, statusCode: StatusCodes.Status402PaymentRequired,
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.LicensePaused, ["billingUrl"] = License.BillingPath(workspaceId) });

    private static async Task<Guid?> WorkspaceOfAsync(NpgsqlConnection conn, HttpContext http, WorkspaceFrom from, CancellationToken ct)
    {
        Guid? Route(string name) => Guid.TryParse(http.Request.RouteValues[name]?.ToString(), out var g) ? g : null;
        Task<Guid?> One(string sql, object args) => conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(sql, args, ct));
        var userId = http.User.Identity?.AuthenticationType == Core.Auth.SessionAuthenticationHandler.SchemeName ? http.User.UserId() : Guid.Empty;
        switch (from)
        {
            case WorkspaceFrom.Route:
                return Route("workspaceId") is { } w ? await One(MemberSql, new { id = w, userId }) : null;
            case WorkspaceFrom.Task:
                return Route("taskId") is { } t ? await One(TaskSql, new { id = t, userId }) : null;
            case WorkspaceFrom.Skill:
                return Route("skillId") is { } s ? await One(SkillSql, new { id = s, userId }) : null;
            case WorkspaceFrom.AuditRun:
                return Route("runId") is { } r ? await One(AuditSql, new { id = r, userId }) : null;
            case WorkspaceFrom.AgentKey:
                return await One(AgentSql, new { id = http.User.RegistrationId() });
            case WorkspaceFrom.Body:
                return await BodyStringAsync(http, "workspaceId", ct) is { } text && Guid.TryParse(text, out var b) ? await One(MemberSql, new { id = b, userId }) : null;
            case WorkspaceFrom.Invite:
                return await BodyStringAsync(http, "inviteToken", ct) is { Length: > 0 } token ? await One(InviteSql, new { hash = InviteTokens.Hash(token.Trim()) }) : null;
            default:
                throw new InvalidOperationException($"Unknown workspace source {from}.");
        }
    }

    /// <summary>One string property of the JSON body, read without consuming it (the function reads it again).</summary>
    private static async Task<string?> BodyStringAsync(HttpContext http, string property, CancellationToken ct)
    {
        http.Request.EnableBuffering();
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null; // the function reports the malformed body
        }
        finally
        {
            http.Request.Body.Position = 0;
        }
    }
}
