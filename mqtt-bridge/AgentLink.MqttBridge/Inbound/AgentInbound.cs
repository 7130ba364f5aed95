using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Agents;
using Dapper;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// Exactly-once for what agents send: an envelope id is claimed in agent_inbound in the same transaction as the
/// write it causes, so a resend (an MQTT redelivery, a retry after a lost PUBACK) finds it claimed and writes nothing.
/// </summary>
public static class AgentInbound
{
    private const string ClaimSql = """
        insert into agent_inbound (agent_user_id, message_id, workspace_id) values (@agentUserId, @messageId, @workspaceId)
        on conflict do nothing
        """;

    /// <summary>Claims the envelope id in the caller's transaction; false when it was claimed before (a duplicate).</summary>
    public static async Task<bool> ClaimAsync(IDbConnection conn, IDbTransaction tx, AgentIdentity agent, Guid messageId, CancellationToken ct) =>
        await conn.ExecuteAsync(Cmd.For(ClaimSql, new { agentUserId = agent.UserId, messageId, workspaceId = agent.WorkspaceId }, ct, tx)) == 1;
}
