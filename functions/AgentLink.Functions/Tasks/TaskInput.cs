using System.Data;

namespace AgentLink.Functions.Tasks;

/// <summary>Checks shared by creating and editing a task: the field rules, and the references (assignee, channel, parent) against the workspace.</summary>
public static class TaskInput
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 20_000;
    public const int MaxResult = 20_000;
    public const int MaxLabels = 20;
    public const int MaxLabel = 40;

    public static string[]? Labels(string[]? labels) =>
        labels?.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct().ToArray();

    public static Validate CheckFields(this Validate check, string? status, string? priority, string[]? labels, string? description, string? result)
    {
        return check
            .Check(status is null || TaskStatuses.All.Contains(status), "status", $"One of {string.Join(", ", TaskStatuses.All)}.")
            .Check(priority is null || TaskPriorities.All.Contains(priority), "priority", $"One of {string.Join(", ", TaskPriorities.All)}.")
            .Check(labels is null || (labels.Length <= MaxLabels && labels.All(l => l.Length <= MaxLabel)), "labels", $"At most {MaxLabels} labels of {MaxLabel} characters.")
            .Check(description is null || description.Length <= MaxDescription, "description", $"At most {MaxDescription} characters.")
            .Check(result is null || result.Length <= MaxResult, "result", $"At most {MaxResult} characters.");
    }

    // Each reference must belong to the task's workspace; a channel must also be readable by the caller.
    private const string ReferencesSql = """
        select
          (@assigneeId::uuid is null or exists (select 1 from memberships m where m.workspace_id = @workspaceId and m.user_id = @assigneeId)) as assignee,
          (@channelId::uuid is null or exists (select 1 from channels c
              left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
              where c.id = @channelId and c.workspace_id = @workspaceId and c.archived_at is null
                and ((c.type = 'channel' and not c.is_private) or cm.user_id is not null))) as channel,
          (@parentId::uuid is null or exists (select 1 from tasks p where p.id = @parentId and p.workspace_id = @workspaceId and (@taskId::uuid is null or p.id <> @taskId))) as parent
        """;

    public static async Task<Validate> CheckReferencesAsync(this Validate check, IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId,
        Guid? taskId, Guid? assigneeId, Guid? channelId, Guid? parentId, CancellationToken ct)
    {
        var found = await conn.QuerySingleAsync<(bool Assignee, bool Channel, bool Parent)>(
            Cmd.For(ReferencesSql, new { workspaceId, userId, taskId, assigneeId, channelId, parentId }, ct, tx));
        return check
            .Check(found.Assignee, "assigneeId", "Not a member (person or agent) of this workspace.")
            .Check(found.Channel, "channelId", "Not a channel of this workspace that you can read.")
            .Check(found.Parent, "parentId", "Not another task of this workspace.");
    }
}
