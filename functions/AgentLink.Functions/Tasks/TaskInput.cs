using System.Data;
using AgentLink.Core.Tasks;

namespace AgentLink.Functions.Tasks;

/// <summary>The task rules (AgentLink.Core.Tasks.TaskRules) as HTTP validation problems.</summary>
public static class TaskInput
{
    public const int MaxTitle = TaskRules.MaxTitle;
    public const int MaxDescription = TaskRules.MaxDescription;

    public static string[]? Labels(string[]? labels) => TaskRules.Labels(labels);

    public static Validate CheckFields(this Validate check, string? status, string? priority, string[]? labels, string? description, string? result)
    {
        foreach (var (field, message) in TaskRules.Check(new TaskEdit(null, description, status, priority, null, null, null, null, null, labels, result, null, null, null)))
            check.Check(false, field, message);
        return check;
    }

    public static async Task<Validate> CheckReferencesAsync(this Validate check, IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId,
        Guid? taskId, Guid? assigneeId, Guid? channelId, Guid? parentId, CancellationToken ct)
    {
        foreach (var (field, message) in await TaskRules.CheckReferencesAsync(conn, tx, workspaceId, userId, taskId, assigneeId, channelId, parentId, ct))
            check.Check(false, field, message);
        return check;
    }

    /// <summary>A refusal of the shared change logic as the answer a function gives.</summary>
    public static IResult ToResult(this TaskRefusal refusal) => refusal.Fields is { Count: > 0 } fields
        ? ApiProblem.Invalid(fields.ToDictionary(f => f.Key, f => new[] { f.Value }))
        : refusal.Status switch
        {
            404 => ApiProblem.NotFound(refusal.Code, "Task"),
            403 => ApiProblem.Forbidden(refusal.Code, refusal.Message),
            _ => ApiProblem.BadRequest(refusal.Code, refusal.Message),
        };
}
