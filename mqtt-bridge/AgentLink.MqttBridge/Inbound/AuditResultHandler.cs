using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Audits;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.MqttBridge.Broker;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// An auditor agent's <c>audit.result</c>: the judgement of a run it was sent, checked like a person's (every enabled
/// criterion of the run's snapshot scored 0..100 once, findings citing only the run's own evidence) and recorded once:
/// its envelope id is claimed in the same transaction, so a resend is acknowledged and changes nothing.
/// </summary>
public sealed class AuditResultHandler(NpgsqlDataSource dataSource, EventPublisher events)
{
    private sealed record ResultData(Guid? RunId, CriterionScore[]? Scores, string? Notes, Finding[]? Findings, RecommendationInput[]? Recommendations);

    public async Task<InboundOutcome> HandleAsync(AgentIdentity agent, Guid id, JsonElement data, CancellationToken ct)
    {
        ResultData? result;
        try { result = data.ValueKind == JsonValueKind.Object ? data.Deserialize<ResultData>(JsonSerializerOptions.Web) : null; }
        catch (JsonException ex)
        {
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, $"data does not read as an audit.result: {ex.Message}", id);
        }
        if (result?.RunId is not { } runId)
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data must be {runId, scores: [{criterion, score, reasoning}], notes?, findings?, recommendations?}.", id);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var run = await AuditRuns.GetAsync(conn, runId, ct, tx, forUpdate: true);
        if (run is null || run.WorkspaceId != agent.WorkspaceId || run.Judge != "agent" || run.AuditorUserId != agent.UserId)
            return InboundOutcome.Refuse(AgentErrorCodes.AuditNotFound, "No such audit was sent to you.", id);
        if (!await AgentInbound.ClaimAsync(conn, tx, agent, id, ct)) return InboundOutcome.Duplicate;
        if (run.Status != "running")
            return InboundOutcome.Refuse(AgentErrorCodes.AuditClosed, $"This audit is {run.Status}{(run.Failure is { } f ? $" ({f})" : "")}; it takes no more results.", id);
        var judgement = new Judgement(result.Scores, result.Notes, result.Findings, result.Recommendations);
        if (Judgements.Check(run, judgement) is { Count: > 0 } problems)
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, string.Join(" ", problems.Select(p => $"data.{p.Key}: {p.Value}")), id);
        if (await Judgements.CompleteAsync(conn, tx, run, judgement, agent.UserId, ct) is not { } done)
            return InboundOutcome.Refuse(AgentErrorCodes.AuditClosed, "This audit is no longer waiting for a result.", id);
        await tx.CommitAsync(ct);
        await events.PublishAsync(done.Event, ct);
        return InboundOutcome.Accepted(id);
    }
}
