using AgentLink.Core.Events;

namespace AgentLink.Functions.Skills;

public sealed class ImportSkill(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus,
    Microsoft.Extensions.Options.IOptions<AgentLink.Core.Options.MqttOptions> mqtt)
{
    public sealed record Request(string? Content);

    private const string UpsertSkillSql = """
        insert into skills (workspace_id, slug, created_by) values (@workspaceId, @slug, @userId)
        on conflict (workspace_id, slug) do update set slug = excluded.slug
        returning id, latest
        """;

    private const string SameContentSql = "select number from skill_versions where skill_id = @skillId and content_hash = @hash";

    private const string AddVersionSql = """
        with n as (update skills set latest = latest + 1 where id = @skillId returning latest)
        insert into skill_versions (skill_id, number, description, version, license, metadata, body, content, content_hash, created_by)
        select @skillId, n.latest, @description, @version, @license, @metadata::jsonb, @body, @content, @hash, @userId from n
        returning number
        """;

    /// <summary>
    /// Imports a SKILL.md (pasted or uploaded): a new skill, or a new version of the skill with the same
    /// name; the same content again changes nothing (200). Front-matter problems are 400 with their line and field.
    /// </summary>
    [Function(nameof(ImportSkill))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request))]
    public async Task<Results<Created<SkillView>, Ok<SkillView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/skills")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var (skill, errors) = SkillDocument.Parse(body.Content);
        if (skill is null)
            return ApiProblem.Invalid(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.ToString()).ToArray()));

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (skillId, latest) = await conn.QuerySingleAsync<(Guid, int)>(Cmd.For(UpsertSkillSql, new { workspaceId, slug = skill.Name, userId }, ct, tx));
        if (latest > 0 && await conn.QuerySingleOrDefaultAsync<int?>(Cmd.For(SameContentSql, new { skillId, hash = skill.ContentHash }, ct, tx)) is not null)
        {
            await tx.RollbackAsync(ct);
            return TypedResults.Ok((await SkillQueries.QueryAsync(conn, "where s.id = @skillId", new { skillId }, ct)).Single());
        }
        await conn.ExecuteAsync(Cmd.For(AddVersionSql, new
        {
            skillId, skill.Description, skill.Version, skill.License, metadata = System.Text.Json.JsonSerializer.Serialize(skill.Metadata),
            body = skill.Body, content = skill.Content, hash = skill.ContentHash, userId,
        }, ct, tx));
        // A new version goes to every agent that has the skill (pending again until acknowledged).
        var assigned = (await conn.QueryAsync<Guid>(Cmd.For("select agent_user_id from skill_assignments where skill_id = @skillId", new { skillId }, ct, tx))).ToList();
        foreach (var agentId in assigned)
            await AgentLink.Core.Skills.SkillDelivery.SendAsync(conn, tx, skillId, agentId, null, AgentLink.Core.Skills.SkillDelivery.InlineLimit(mqtt.Value), $"{req.Scheme}://{req.Host}", ct);
        var view = (await SkillQueries.QueryAsync(conn, "where s.id = @skillId", new { skillId }, ct, tx)).Single();
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, latest == 0 ? EventTypes.SkillCreated : EventTypes.SkillUpdated, null, null,
            new { view.Id, view.Name, view.Description, view.LatestVersion, view.ContentHash }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        await AgentLink.Core.Agents.AgentOutbox.SignalAsync(bus, assigned);
        return latest == 0 ? TypedResults.Created($"/api/v1/skills/{skillId}", view) : TypedResults.Ok(view);
    }
}
