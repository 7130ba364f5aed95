using System.Data;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Skills;

/// <summary>
/// Sends skills to agents through their outbox (in order with everything else, and kept for an
/// offline agent): <c>skill.assigned</c> with the version's SKILL.md, or <c>skill.revoked</c>.
/// Delivery is 'pending' until the agent's <c>skill.ack</c> names the envelope, then 'delivered'.
/// </summary>
public static class SkillDelivery
{
    private const string VersionSql = """
        select s.id, s.workspace_id, s.slug, v.number, v.description, v.content, v.content_hash
        from skills s join skill_versions v on v.skill_id = s.id and v.number = s.latest where s.id = @skillId
        """;

    private sealed record Latest(Guid Id, Guid WorkspaceId, string Slug, int Number, string Description, string Content, string ContentHash);

    private const string UpsertSql = """
        insert into skill_assignments (skill_id, agent_user_id, workspace_id, version, status, envelope_id, assigned_by)
        values (@skillId, @agentId, @workspaceId, @version, 'pending', @envelopeId, @assignedBy)
        on conflict (skill_id, agent_user_id) do update
            set version = excluded.version, status = 'pending', error = null, envelope_id = excluded.envelope_id, delivered_at = null
        """;

    /// <summary>Queues the skill's latest version for the agent and marks the assignment pending; returns the envelope id.</summary>
    /// <summary>The largest SKILL.md sent inline: room in one MQTT message for the envelope around it.</summary>
    public static int InlineLimit(Options.MqttOptions mqtt) => Math.Max(1024, mqtt.MaxPayloadBytes - 4096);

    public static async Task<Guid> SendAsync(IDbConnection conn, IDbTransaction tx, Guid skillId, Guid agentId, Guid? assignedBy, int maxInlineBytes, string fetchBase, CancellationToken ct)
    {
        var v = await conn.QuerySingleAsync<Latest>(Cmd.For(VersionSql, new { skillId }, ct, tx));
        // Too large for one MQTT message: the agent fetches it with its key instead.
        var inline = System.Text.Encoding.UTF8.GetByteCount(v.Content) <= maxInlineBytes;
        var envelope = AgentEnvelope.Create(v.WorkspaceId, "skill.assigned", new
        {
            skillId, name = v.Slug, version = v.Number, description = v.Description, contentHash = v.ContentHash,
            content = inline ? v.Content : null,
            fetchUrl = inline ? null : $"{fetchBase.TrimEnd('/')}/api/v1/agents/me/skills/{skillId}",
        });
        await AgentOutbox.EnqueueAsync(conn, tx, agentId, envelope, ct);
        await conn.ExecuteAsync(Cmd.For(UpsertSql, new { skillId, agentId, workspaceId = v.WorkspaceId, version = v.Number, envelopeId = envelope.Id, assignedBy }, ct, tx));
        return envelope.Id;
    }

    public static async Task RevokeAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid skillId, string name, Guid agentId, CancellationToken ct)
    {
        var envelope = AgentEnvelope.Create(workspaceId, "skill.revoked", new { skillId, name });
        await AgentOutbox.EnqueueAsync(conn, tx, agentId, envelope, ct);
    }

    private const string AckSql = """
        update skill_assignments set status = 'delivered', delivered_at = now(), error = null
        where agent_user_id = @agentId and skill_id = @skillId and envelope_id = @envelopeId and status <> 'delivered'
        returning workspace_id, version
        """;

    /// <summary>The agent acknowledged a delivery (by the envelope's id); the workspace hears skill.delivery. False when it matches nothing current.</summary>
    public static async Task<WorkspaceEvent?> AcknowledgeAsync(IDbConnection conn, IDbTransaction tx, Guid agentId, Guid skillId, Guid envelopeId, CancellationToken ct)
    {
        var row = await conn.QuerySingleOrDefaultAsync<(Guid WorkspaceId, int Version)?>(Cmd.For(AckSql, new { agentId, skillId, envelopeId }, ct, tx));
        if (row is not { } r) return null;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, r.WorkspaceId, ct);
        return await WorkspaceEventLog.AppendAsync(conn, tx, r.WorkspaceId, seq, EventTypes.SkillDelivery, null, null,
            new { skillId, agentUserId = agentId, version = r.Version, status = "delivered" }, ct);
    }
}
