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

    /// <summary>The largest SKILL.md sent inline: room in one MQTT message for the envelope around it.</summary>
    public static int InlineLimit(Options.MqttOptions mqtt) => Math.Max(1024, mqtt.MaxPayloadBytes - 4096);

    /// <summary>
    /// Queues the skill's latest version for the agent and marks the assignment pending; returns the envelope id.
    /// A SKILL.md over <paramref name="maxInlineBytes"/> goes as a fetch URL on <paramref name="fetchBase"/>
    /// (relative to the API origin the agent uses when there is none).
    /// </summary>
    public static async Task<Guid> SendAsync(IDbConnection conn, IDbTransaction tx, Guid skillId, Guid agentId, Guid? assignedBy, int maxInlineBytes, string? fetchBase, CancellationToken ct)
    {
        var v = await conn.QuerySingleAsync<Latest>(Cmd.For(VersionSql, new { skillId }, ct, tx));
        // Too large for one MQTT message: the agent fetches it with its key instead.
        var inline = System.Text.Encoding.UTF8.GetByteCount(v.Content) <= maxInlineBytes;
        var envelope = AgentEnvelope.Create(v.WorkspaceId, "skill.assigned", new
        {
            skillId, name = v.Slug, version = v.Number, description = v.Description, contentHash = v.ContentHash,
            content = inline ? v.Content : null,
            fetchUrl = inline ? null : $"{fetchBase?.TrimEnd('/')}/api/v1/agents/me/skills/{skillId}",
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

    public const string OfflineError = "agent offline";

    private const string FailOfflineSql = """
        update skill_assignments a set status = 'failed', error = @error
        from remote_agents ra
        where ra.user_id = a.agent_user_id and a.status = 'pending'
          and ra.status = 'offline' and ra.last_seen < now() - make_interval(secs => @seconds)
        returning a.workspace_id, a.skill_id, a.agent_user_id, a.version
        """;

    private sealed record Changed(Guid WorkspaceId, Guid SkillId, Guid AgentUserId, int Version);

    /// <summary>
    /// Pending deliveries to agents offline for longer than <paramref name="offlineSeconds"/> become
    /// 'failed: agent offline', so the page says so instead of 'pending' forever. The envelope stays
    /// queued; <see cref="ResumeAsync"/> puts them back in flight when the agent returns.
    /// </summary>
    public static async Task<IReadOnlyList<WorkspaceEvent>> FailForOfflineAgentsAsync(IDbConnection conn, IDbTransaction tx, int offlineSeconds, CancellationToken ct)
    {
        var failed = (await conn.QueryAsync<Changed>(Cmd.For(FailOfflineSql, new { seconds = (double)offlineSeconds, error = OfflineError }, ct, tx))).ToList();
        return await AnnounceAsync(conn, tx, failed, "failed", OfflineError, ct);
    }

    // Deliveries of the agent that are not done: failed while it was away, or pending on an envelope
    // that already went out (it reached the agent, which left before acknowledging). "queued" says
    // whether the envelope still waits in the outbox, where the flush on reconnect sends it anyway.
    private const string UnfinishedSql = """
        select a.workspace_id, a.skill_id, a.agent_user_id, a.version, a.status, a.envelope_id,
               o.id is not null and o.delivered_at is null as queued, (o.payload -> 'data')::text as sent
        from skill_assignments a
        left join agent_outbox o on o.message_id = a.envelope_id and o.agent_user_id = a.agent_user_id
        where a.agent_user_id = @agentId and a.status <> 'delivered'
        order by a.assigned_at
        for update of a
        """;

    private sealed record Unfinished(Guid WorkspaceId, Guid SkillId, Guid AgentUserId, int Version, string Status, Guid EnvelopeId, bool Queued, string? Sent);

    private const string RequeueSql = "update skill_assignments set status = 'pending', error = null, envelope_id = @envelopeId where skill_id = @skillId and agent_user_id = @agentId";

    /// <summary>
    /// An agent back from offline gets every skill delivery it has not acknowledged: one still queued
    /// goes out with its backlog; one already sent (or whose envelope was pruned) is queued again under
    /// a new envelope id. Failed deliveries are pending again. Returns the workspace events to publish.
    /// </summary>
    public static async Task<IReadOnlyList<WorkspaceEvent>> ResumeAsync(IDbConnection conn, IDbTransaction tx, Guid agentId, int maxInlineBytes, CancellationToken ct)
    {
        var unfinished = (await conn.QueryAsync<Unfinished>(Cmd.For(UnfinishedSql, new { agentId }, ct, tx))).ToList();
        var back = new List<Changed>();
        foreach (var u in unfinished)
        {
            if (u.Queued)
            {
                if (u.Status == "failed") await conn.ExecuteAsync(Cmd.For(RequeueSql, new { envelopeId = u.EnvelopeId, u.SkillId, agentId }, ct, tx));
            }
            else if (u.Sent is { } data)
            {
                // The same content under a new id: the agent acknowledges the envelope it has now.
                var envelope = AgentEnvelope.Create(u.WorkspaceId, "skill.assigned", System.Text.Json.JsonDocument.Parse(data).RootElement);
                await AgentOutbox.EnqueueAsync(conn, tx, agentId, envelope, ct);
                await conn.ExecuteAsync(Cmd.For(RequeueSql, new { envelopeId = envelope.Id, u.SkillId, agentId }, ct, tx));
            }
            else
            {
                await SendAsync(conn, tx, u.SkillId, agentId, null, maxInlineBytes, null, ct);
            }
            if (u.Status == "failed") back.Add(new Changed(u.WorkspaceId, u.SkillId, u.AgentUserId, u.Version));
        }
        return await AnnounceAsync(conn, tx, back, "pending", null, ct);
    }

    private static async Task<IReadOnlyList<WorkspaceEvent>> AnnounceAsync(IDbConnection conn, IDbTransaction tx, IReadOnlyList<Changed> changed, string status, string? error, CancellationToken ct)
    {
        var events = new List<WorkspaceEvent>();
        foreach (var c in changed.OrderBy(c => c.WorkspaceId))
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, c.WorkspaceId, ct);
            events.Add(await WorkspaceEventLog.AppendAsync(conn, tx, c.WorkspaceId, seq, EventTypes.SkillDelivery, null, null,
                new { c.SkillId, c.AgentUserId, c.Version, status, error }, ct));
        }
        return events;
    }
}
