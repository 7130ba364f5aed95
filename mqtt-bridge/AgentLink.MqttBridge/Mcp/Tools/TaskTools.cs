using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using AgentLink.Core.Tasks;
using Dapper;
using ModelContextProtocol.Server;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp.Tools;

/// <summary>The tasks assigned to the agent; updates take the MQTT task.update path (only the assignee, the same rules).</summary>
[McpServerToolType]
public sealed class TaskTools(NpgsqlDataSource dataSource, AgentEnvelopes envelopes)
{
    [McpServerTool(Name = "list_tasks", ReadOnly = true), Description("The tasks assigned to you, most recently changed first. Unfinished ones unless you ask for a status.")]
    public async Task<IReadOnlyList<TaskView>> ListTasks(ClaimsPrincipal user,
        [Description("backlog, todo, in_progress, pending_review, done or cancelled.")] string? status = null,
        [Description("1 to 200; default 50.")] int? limit = null, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        if (status is not null && !TaskStatuses.All.Contains(status)) throw McpErrors.Invalid("status", $"one of {string.Join(", ", TaskStatuses.All)}.");
        var take = McpErrors.Limit(limit, 50, 200);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await TaskQueries.QueryAsync(conn, """
            where t.workspace_id = @workspaceId and t.assignee_id = @agentUserId and t.archived_at is null
              and (case when @status::text is null then t.status not in ('done', 'cancelled') else t.status = @status end)
            order by t.updated_at desc limit @take
            """, new { workspaceId = agent.WorkspaceId, agentUserId = agent.UserId, status, take }, ct);
    }

    [McpServerTool(Name = "get_task", ReadOnly = true), Description("One of your tasks, whole.")]
    public async Task<TaskView> GetTask(ClaimsPrincipal user, [Description("The task id.")] string taskId, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var id = McpErrors.Id(taskId, "taskId");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(conn, agent, id, ct);
    }

    [McpServerTool(Name = "update_task"),
     Description("Moves one of your tasks on (status), records its result, or comments on it. Returns the task as it now is.")]
    public async Task<TaskView> UpdateTask(ClaimsPrincipal user, [Description("The task id.")] string taskId,
        [Description("backlog, todo, in_progress, pending_review, done or cancelled.")] string? status = null,
        [Description("What came of the work (markdown).")] string? result = null,
        [Description("A comment on the task.")] string? comment = null,
        [Description("A UUID of your choice: a retried call with the same key applies once.")] string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var id = McpErrors.Id(taskId, "taskId");
        var data = new JsonObject { ["taskId"] = id, ["status"] = status, ["result"] = result, ["comment"] = comment };
        await envelopes.SendAsync(agent, OutboxTypes.TaskUpdate, data, idempotencyKey, ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(conn, agent, id, ct);
    }

    private static async Task<TaskView> FindAsync(NpgsqlConnection conn, AgentIdentity agent, Guid taskId, CancellationToken ct)
    {
        var task = await TaskQueries.GetAsync(conn, taskId, ct);
        if (task is null || task.WorkspaceId != agent.WorkspaceId || task.Assignee?.Id != agent.UserId)
            throw McpErrors.Refused(AgentErrorCodes.TaskNotFound, "No such task assigned to you.");
        return task;
    }
}
