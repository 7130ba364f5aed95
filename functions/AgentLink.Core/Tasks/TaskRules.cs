using System.Data;
using AgentLink.Core.Data;
using Dapper;

namespace AgentLink.Core.Tasks;

/// <summary>The field rules of tasks, shared by the HTTP functions and the bridge; problems come back as field → message.</summary>
public static class TaskRules
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 20_000;
    public const int MaxResult = 20_000;
    public const int MaxLabels = 20;
    public const int MaxLabel = 40;

    public static string[]? Labels(string[]? labels) =>
        labels?.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct().ToArray();

    /// <summary>What is wrong with an edit's fields (nothing: an empty map).</summary>
    public static Dictionary<string, string> Check(TaskEdit edit)
    {
        var problems = new Dictionary<string, string>();
        void Add(bool ok, string field, string message) { if (!ok && !problems.ContainsKey(field)) problems[field] = message; }
        var labels = Labels(edit.Labels);
        Add(edit.Title is null || edit.Title.Trim().Length is > 0 and <= MaxTitle, "title", $"1 to {MaxTitle} characters.");
        Add(edit.Status is null || TaskStatuses.All.Contains(edit.Status), "status", $"One of {string.Join(", ", TaskStatuses.All)}.");
        Add(edit.Priority is null || TaskPriorities.All.Contains(edit.Priority), "priority", $"One of {string.Join(", ", TaskPriorities.All)}.");
        Add(labels is null || (labels.Length <= MaxLabels && labels.All(l => l.Length <= MaxLabel)), "labels", $"At most {MaxLabels} labels of {MaxLabel} characters.");
        Add(edit.Description is null || edit.Description.Length <= MaxDescription, "description", $"At most {MaxDescription} characters.");
        Add(edit.Result is null || edit.Result.Length <= MaxResult, "result", $"At most {MaxResult} characters.");
        Add((edit.Clear ?? []).All(TaskChanges.Clearable.Contains), "clear", $"Only {string.Join(", ", TaskChanges.Clearable)} can be cleared.");
        return problems;
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

    public static async Task<Dictionary<string, string>> CheckReferencesAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid userId,
        Guid? taskId, Guid? assigneeId, Guid? channelId, Guid? parentId, CancellationToken ct)
    {
        var found = await conn.QuerySingleAsync<(bool Assignee, bool Channel, bool Parent)>(
            Cmd.For(ReferencesSql, new { workspaceId, userId, taskId, assigneeId, channelId, parentId }, ct, tx));
        var problems = new Dictionary<string, string>();
        if (!found.Assignee) problems["assigneeId"] = "Not a member (person or agent) of this workspace.";
        if (!found.Channel) problems["channelId"] = "Not a channel of this workspace that you can read.";
        if (!found.Parent) problems["parentId"] = "Not another task of this workspace.";
        return problems;
    }
}
