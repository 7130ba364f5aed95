namespace AgentLink.Functions.Skills;

public sealed class AgentSkills(NpgsqlDataSource dataSource)
{
    public sealed record AgentSkill(Guid SkillId, Guid AgentUserId, string AgentId, string Name, int Version, string Description, string Status, string Content, string ContentHash);

    private const string Sql = """
        select a.skill_id, a.agent_user_id, ra.agent_id, s.slug as name, a.version, v.description, a.status, v.content, v.content_hash
        from skill_assignments a
        join remote_agents ra on ra.user_id = a.agent_user_id
        join skills s on s.id = a.skill_id
        join skill_versions v on v.skill_id = a.skill_id and v.number = a.version
        where ra.registration_id = @registrationId and (@skillId::uuid is null or a.skill_id = @skillId)
        order by ra.agent_id, s.slug
        """;

    /// <summary>The skills assigned to this registration's agents, each with the SKILL.md of the version sent (and its delivery status).</summary>
    [Function(nameof(AgentSkills))]
    [Caller(Caller.Agent)]
    public async Task<Ok<IReadOnlyList<AgentSkill>>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/me/skills")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok<IReadOnlyList<AgentSkill>>((await conn.QueryAsync<AgentSkill>(Cmd.For(Sql, new { registrationId = req.HttpContext.User.RegistrationId(), skillId = (Guid?)null }, ct))).ToList());
    }

    /// <summary>One assigned skill's SKILL.md (the fetch URL of a skill.assigned too large to send inline).</summary>
    [Function("AgentSkill")]
    [Caller(Caller.Agent)]
    public async Task<Results<Ok<AgentSkill>, ProblemHttpResult>> One(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/me/skills/{skillId:guid}")] HttpRequest req, Guid skillId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var skill = (await conn.QueryAsync<AgentSkill>(Cmd.For(Sql, new { registrationId = req.HttpContext.User.RegistrationId(), skillId }, ct))).FirstOrDefault();
        return skill is null ? ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill") : TypedResults.Ok(skill);
    }
}
