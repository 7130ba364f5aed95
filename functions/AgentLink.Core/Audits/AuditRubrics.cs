using System.Data;
using System.Text.Json;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Audits;

/// <summary>One version of a rubric in its history.</summary>
public sealed record RubricVersion(int Version, string Change, IReadOnlyList<AuditCriterion>? Criteria, Guid? ChangedBy, string? ChangedByName, DateTime CreatedAt);

/// <summary>
/// The rubric in force for an audit and its history. An agent's rubric is its own override when it has
/// one, else the workspace's, else the built-in defaults; <c>Source</c> says which.
/// </summary>
public sealed record Rubric(string Source, int Version, IReadOnlyList<AuditCriterion> Criteria, IReadOnlyList<RubricVersion> History);

public static class AuditRubrics
{
    public const string FromAgent = "agent";
    public const string FromWorkspace = "workspace";
    public const string FromDefaults = "defaults";

    private static readonly Guid NoAgent = Guid.Empty;

    private const string LatestSql = """
        select version, criteria::text from audit_criteria_versions
        where workspace_id = @workspaceId and coalesce(agent_user_id, @noAgent) = @scope
        order by version desc limit 1
        """;

    private const string HistorySql = """
        select v.version, v.change, v.criteria::text as criteria, v.changed_by, u.name as changed_by_name, v.created_at
        from audit_criteria_versions v left join users u on u.id = v.changed_by
        where v.workspace_id = @workspaceId and coalesce(v.agent_user_id, @noAgent) = @scope
        order by v.version desc limit 100
        """;

    private sealed record HistoryRow(int Version, string Change, string? Criteria, Guid? ChangedBy, string? ChangedByName, DateTime CreatedAt);

    public static IReadOnlyList<AuditCriterion>? Parse(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<List<AuditCriterion>>(json, JsonSerializerOptions.Web);

    /// <summary>The rubric in force for the workspace (agentUserId null) or for one agent, with that scope's history.</summary>
    public static async Task<Rubric> CurrentAsync(IDbConnection conn, Guid workspaceId, Guid? agentUserId, CancellationToken ct, IDbTransaction? tx = null)
    {
        var history = (await conn.QueryAsync<HistoryRow>(Cmd.For(HistorySql, new { workspaceId, noAgent = NoAgent, scope = agentUserId ?? NoAgent }, ct, tx)))
            .Select(h => new RubricVersion(h.Version, h.Change, Parse(h.Criteria), h.ChangedBy, h.ChangedByName, h.CreatedAt)).ToList();
        if (agentUserId is not null && history.FirstOrDefault() is { Criteria: { } own } latest)
            return new Rubric(FromAgent, latest.Version, own, history);
        var workspace = await conn.QuerySingleOrDefaultAsync<(int Version, string? Criteria)?>(Cmd.For(LatestSql, new { workspaceId, noAgent = NoAgent, scope = NoAgent }, ct, tx));
        var version = agentUserId is null ? workspace?.Version ?? 0 : history.FirstOrDefault()?.Version ?? 0;
        return workspace is { Criteria: { } json }
            ? new Rubric(FromWorkspace, version, Parse(json)!, history)
            : new Rubric(FromDefaults, version, AuditCriteria.Defaults, history);
    }

    private const string InsertSql = """
        insert into audit_criteria_versions (workspace_id, agent_user_id, version, criteria, change, changed_by)
        select @workspaceId, @agentUserId, coalesce(max(version), 0) + 1, @criteria::jsonb, @change, @changedBy
        from audit_criteria_versions where workspace_id = @workspaceId and coalesce(agent_user_id, @noAgent) = @scope
        having exists (select 1 from memberships m where m.workspace_id = @workspaceId and m.user_id = @changedBy and m.role in ('owner', 'admin'))
        returning version
        """;

    /// <summary>
    /// A new version of a scope's rubric (criteria null: the agent inherits the workspace's again), numbered
    /// after the last one; the workspace hears audit.criteria_changed. Changes of one scope are serialised. The
    /// caller's standing (owner or admin) is part of the insert: null when it changed since it was checked.
    /// </summary>
    public static async Task<(int Version, WorkspaceEvent Event)?> SaveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid? agentUserId,
        IReadOnlyList<AuditCriterion>? criteria, string change, Guid changedBy, CancellationToken ct)
    {
        var scope = agentUserId ?? NoAgent;
        await conn.ExecuteAsync(Cmd.For("select pg_advisory_xact_lock(hashtextextended(@key, 13))", new { key = $"{workspaceId}/{scope}" }, ct, tx));
        var inserted = await conn.QuerySingleOrDefaultAsync<int?>(Cmd.For(InsertSql, new
        {
            workspaceId, agentUserId, noAgent = NoAgent, scope, change, changedBy,
            criteria = criteria is null ? null : JsonSerializer.Serialize(criteria, JsonSerializerOptions.Web),
        }, ct, tx));
        if (inserted is not { } version) return null;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.AuditCriteriaChanged, null, null,
            new { agentUserId, version, change }, ct);
        return (version, e);
    }
}
