namespace AgentLink.Functions.Skills;

public sealed class GetSkill(NpgsqlDataSource dataSource)
{
    public sealed record Details(SkillView Skill, IReadOnlyList<SkillVersionView> Versions);

    public sealed record VersionContent(int Number, string Content, string ContentHash, DateTime CreatedAt);

    private const string MemberSql = "select exists (select 1 from skills s join memberships m on m.workspace_id = s.workspace_id and m.user_id = @userId where s.id = @skillId)";
    private const string VersionsSql = """
        select number, description, version, license, metadata::text as metadata, content_hash, created_by, created_at
        from skill_versions where skill_id = @skillId order by number desc
        """;
    private const string VersionSql = "select number, content, content_hash, created_at from skill_versions where skill_id = @skillId and number = @number";

    private sealed record VersionRow(int Number, string Description, string? Version, string? License, string Metadata, string ContentHash, Guid? CreatedBy, DateTime CreatedAt);

    /// <summary>A skill's latest version and the list of its versions, newest first.</summary>
    [Function(nameof(GetSkill))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<Details>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/skills/{skillId:guid}")] HttpRequest req, Guid skillId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(MemberSql, new { skillId, userId = req.HttpContext.User.UserId() }, ct)))
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill");
        var skill = (await SkillQueries.QueryAsync(conn, "where s.id = @skillId", new { skillId }, ct)).Single();
        var versions = (await conn.QueryAsync<VersionRow>(Cmd.For(VersionsSql, new { skillId }, ct)))
            .Select(v => new SkillVersionView(v.Number, v.Description, v.Version, v.License, System.Text.Json.JsonDocument.Parse(v.Metadata).RootElement.Clone(),
                v.ContentHash, v.CreatedBy, DateTime.SpecifyKind(v.CreatedAt, DateTimeKind.Utc))).ToList();
        return TypedResults.Ok(new Details(skill, versions));
    }

    /// <summary>One version's SKILL.md as it was imported (versions never change).</summary>
    [Function("GetSkillVersion")]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<VersionContent>, ProblemHttpResult>> Version(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/skills/{skillId:guid}/versions/{number}")] HttpRequest req, Guid skillId, string number)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(MemberSql, new { skillId, userId = req.HttpContext.User.UserId() }, ct)))
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill");
        if (!int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            return ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill version");
        var version = await conn.QuerySingleOrDefaultAsync<VersionContent>(Cmd.For(VersionSql, new { skillId, number = n }, ct));
        return version is null ? ApiProblem.NotFound(ErrorCodes.SkillNotFound, "Skill version") : TypedResults.Ok(version with { CreatedAt = DateTime.SpecifyKind(version.CreatedAt, DateTimeKind.Utc) });
    }
}
