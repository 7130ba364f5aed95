using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.Core.Skills;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Skills;

/// <summary>Which agents have a skill, and how its delivery stands for each.</summary>
public sealed class SkillAssignments(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, IOptions<MqttOptions> mqtt)
{
    public sealed record AssignRequest(Guid? AgentUserId);

    public sealed record AssignmentView(Guid AgentUserId, string AgentName, int Version, string Status, string? Error, DateTime AssignedAt, DateTime? DeliveredAt);

    private const string SkillSql = """
        select s.workspace_id, s.slug, m.role from skills s
        join memberships m on m.workspace_id = s.workspace_id and m.user_id = @userId where s.id = @skillId
        """;
    private const string ListSql = """
        select a.agent_user_id, u.name as agent_name, a.version, a.status, a.error, a.assigned_at, a.delivered_at
        from skill_assignments a join users u on u.id = a.agent_user_id where a.skill_id = @skillId order by lower(u.name)
        """;
    private const string DeleteSql = "delete from skill_assignments where skill_id = @skillId and agent_user_id = @agentUserId";

    private sealed record SkillRow(Guid WorkspaceId, string Slug, string Role);

    /// <summary>Assigns a skill to an agent of its workspace (owners, admins and members): its latest version goes to the agent's inbox; delivery is pending until the agent acknowledges.</summary>
    [Function("AssignSkill")]
    [Caller(Caller.Person), JsonBody(typeof(AssignRequest)), Licensed(WorkspaceFrom.Skill)]
    public async Task<Results<Ok<AssignmentView>, ValidationProblem, ProblemHttpResult>> Assign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/skills/{skillId:guid}/assignments")] HttpRequest req, Guid skillId)
    {
        var body = await req.ReadJsonAsync<AssignRequest>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        if (body.AgentUserId is not { } agentUserId) return ApiProblem.Invalid("agentUserId", "Required: the agent's user id.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<SkillRow>(Cmd.For(SkillSql, new { skillId, userId }, ct, tx)) is not { } skill)
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill");
        if (!Roles.CanWrite(skill.Role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read skills but not assign them.");
        if (!await WorkspaceAgents.ContainsAsync(conn, skill.WorkspaceId, agentUserId, ct, tx))
            return ApiProblem.Invalid("agentUserId", "Not an agent of this workspace.");
        await SkillDelivery.SendAsync(conn, tx, skillId, agentUserId, userId, SkillDelivery.InlineLimit(mqtt.Value), $"{req.Scheme}://{req.Host}", ct);
        var view = (await conn.QueryAsync<AssignmentView>(Cmd.For(ListSql, new { skillId }, ct, tx))).Single(a => a.AgentUserId == agentUserId);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, skill.WorkspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, skill.WorkspaceId, seq, EventTypes.SkillDelivery, null, null,
            new { skillId, agentUserId, view.Version, view.Status }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        await AgentOutbox.SignalAsync(bus, [agentUserId]);
        return TypedResults.Ok(view);
    }

    /// <summary>Takes a skill from an agent: skill.revoked goes to its inbox.</summary>
    [Function("UnassignSkill")]
    [Caller(Caller.Person)]
    public async Task<Results<NoContent, ProblemHttpResult>> Unassign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/skills/{skillId:guid}/assignments/{agentUserId:guid}")] HttpRequest req, Guid skillId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<SkillRow>(Cmd.For(SkillSql, new { skillId, userId = req.HttpContext.User.UserId() }, ct, tx)) is not { } skill)
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill");
        if (!Roles.CanWrite(skill.Role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read skills but not unassign them.");
        if (await conn.ExecuteAsync(Cmd.For(DeleteSql, new { skillId, agentUserId }, ct, tx)) == 0)
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Assignment");
        await SkillDelivery.RevokeAsync(conn, tx, skill.WorkspaceId, skillId, skill.Slug, agentUserId, ct);
        await tx.CommitAsync(ct);
        await AgentOutbox.SignalAsync(bus, [agentUserId]);
        return TypedResults.NoContent();
    }

    /// <summary>The agents a skill is assigned to, with the version sent and its delivery status (pending, delivered, failed).</summary>
    [Function("ListSkillAssignments")]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<IReadOnlyList<AssignmentView>>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/skills/{skillId:guid}/assignments")] HttpRequest req, Guid skillId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<SkillRow>(Cmd.For(SkillSql, new { skillId, userId = req.HttpContext.User.UserId() }, ct)) is null)
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill");
        return TypedResults.Ok<IReadOnlyList<AssignmentView>>((await conn.QueryAsync<AssignmentView>(Cmd.For(ListSql, new { skillId }, ct))).ToList());
    }
}
