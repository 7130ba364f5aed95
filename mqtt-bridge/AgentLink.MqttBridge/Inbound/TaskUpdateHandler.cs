using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Tasks;
using AgentLink.MqttBridge.Broker;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// An agent's <c>task.update</c> {taskId, status?, result?, comment?}: the same change as the HTTP route,
/// only for a task assigned to this agent; written once per envelope id (claimed in agent_inbound in
/// the same transaction), so the PUBACK that follows means committed and a resend is harmless.
/// </summary>
public sealed class TaskUpdateHandler(NpgsqlDataSource dataSource, TaskChanges changes, EventPublisher events, IEventBus bus)
{
    public async Task<InboundOutcome> HandleAsync(AgentIdentity agent, Guid id, JsonElement data, CancellationToken ct)
    {
        if (data.ValueKind != JsonValueKind.Object)
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "\"data\" must be an object {taskId, status?, result?, comment?}.", id);
        if (!data.TryGetProperty("taskId", out var t) || t.ValueKind != JsonValueKind.String || !t.TryGetGuid(out var taskId))
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "data.taskId must be a task id (UUID).", id);
        string? Text(string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var edit = new TaskEdit(null, null, Text("status"), null, null, null, null, null, null, null, Text("result"), null, null, null);
        var comment = Text("comment")?.Trim();
        if (edit.Status is null && edit.Result is null && string.IsNullOrEmpty(comment))
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "Give data.status, data.result or data.comment.", id);
        var problems = TaskRules.Check(edit);
        if (comment is { Length: > TaskRules.MaxDescription }) problems["comment"] = $"At most {TaskRules.MaxDescription} characters.";
        if (problems.Count > 0)
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, string.Join(" ", problems.Select(p => $"data.{p.Key}: {p.Value}")), id);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await AgentInbound.ClaimAsync(conn, tx, agent, id, ct)) return InboundOutcome.Duplicate;
        var applied = await changes.ApplyAsync(conn, tx, taskId, agent.UserId, edit, asAssignee: true, string.IsNullOrEmpty(comment) ? null : comment, agent.WorkspaceId, ct);
        if (applied.Refusal is { } refusal)
        {
            // Nothing is kept, the claim included: the refusal is the answer to this id.
            await tx.RollbackAsync(ct);
            var code = refusal.Fields is { Count: > 0 } ? AgentErrorCodes.ValidationFailed : refusal.Code;
            var reason = refusal.Fields is { Count: > 0 } f ? string.Join(" ", f.Select(p => $"data.{p.Key}: {p.Value}")) : refusal.Message;
            return InboundOutcome.Refuse(code, reason, id);
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(applied.Events, ct);
        await TaskDispatch.DeliverAsync(applied.Sent, bus, events, ct);
        return InboundOutcome.Accepted(id);
    }
}
