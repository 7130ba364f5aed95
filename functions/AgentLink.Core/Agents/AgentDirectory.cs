using AgentLink.Core.Data;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Agents;

/// <summary>A connected agent as the broker knows it: its principal, workspace and topic name.</summary>
public sealed record AgentIdentity(Guid UserId, Guid WorkspaceId, string AgentId, string Name);

/// <summary>
/// Who an MQTT connection is, and what it may reach: used by the embedded broker
/// and by the HTTP auth hooks an external broker calls.
/// </summary>
public sealed class AgentDirectory(NpgsqlDataSource dataSource, Microsoft.Extensions.Options.IOptions<Options.BillingOptions> billing)
{
    // The key's registration must be claimed into the agent's workspace: a registration
    // moved or deleted since stops its agents at once.
    private const string AuthenticateSql = """
        select ra.user_id, ra.workspace_id, ra.agent_id, u.name
        from remote_agents ra
        join agent_registrations r on r.id = ra.registration_id and r.workspace_id = ra.workspace_id
        join users u on u.id = ra.user_id
        where ra.user_id = @userId and r.api_key_hash = @hash
        """;

    private const string ChannelMemberSql = """
        select exists (select 1 from channel_members cm join channels c on c.id = cm.channel_id
                       where cm.channel_id = @channelId and cm.user_id = @userId and c.workspace_id = @workspaceId)
        """;

    /// <summary>The agent, when the username is an agent's id and the password its registration's API key.</summary>
    public async Task<AgentIdentity?> AuthenticateAsync(string? username, string? password, CancellationToken ct = default)
    {
        if (!Guid.TryParse(username, out var userId) || !AgentKeys.LooksLikeKey(password)) return null;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<AgentIdentity>(
            new CommandDefinition(AuthenticateSql, new { userId, hash = AgentKeys.Hash(password!) }, cancellationToken: ct));
    }

    /// <summary>True when billing is on and the agent's workspace is paused: its connections are refused (license_paused).</summary>
    public async Task<bool> IsPausedAsync(AgentIdentity agent, CancellationToken ct = default)
    {
        if (!billing.Value.Enabled) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await Billing.License.IsPausedAsync(conn, agent.WorkspaceId, billing.Value, ct);
    }

    /// <summary>
    /// A client id is a session, so an agent may only use its own: its user id, or its user id
    /// followed by "-" and anything (one agent running a listener and a sender side by side).
    /// </summary>
    public static bool OwnsClientId(Guid agentUserId, string? clientId) => OwnsClientId(agentUserId.ToString(), clientId);

    /// <summary>The same, for the user id as written in a username (lower-case, with dashes).</summary>
    public static bool OwnsClientId(string agentUserId, string? clientId) =>
        agentUserId.Length > 0 && clientId is not null && clientId.StartsWith(agentUserId, StringComparison.Ordinal)
        && (clientId.Length == agentUserId.Length || clientId[agentUserId.Length] == '-');

    public async Task<bool> IsChannelMemberAsync(AgentIdentity agent, Guid channelId, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(ChannelMemberSql,
            new { channelId, userId = agent.UserId, workspaceId = agent.WorkspaceId }, cancellationToken: ct));
    }
}
