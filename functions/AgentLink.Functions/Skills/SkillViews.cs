namespace AgentLink.Functions.Skills;

public sealed record SkillVersionView(int Number, string Description, string? Version, string? License,
    System.Text.Json.JsonElement Metadata, string ContentHash, Guid? CreatedBy, DateTime CreatedAt);

/// <summary>A skill with its latest version's content.</summary>
public sealed record SkillView(Guid Id, Guid WorkspaceId, string Name, string Description, string? Version, string? License,
    System.Text.Json.JsonElement Metadata, int LatestVersion, string ContentHash, string Body, string Content, DateTime CreatedAt, DateTime UpdatedAt);

public static class SkillQueries
{
    public const string Select = """
        select s.id, s.workspace_id, s.slug as name, v.description, v.version, v.license, v.metadata::text as metadata, s.latest as latest_version,
               v.content_hash, v.body, v.content, s.created_at, v.created_at as updated_at
        from skills s join skill_versions v on v.skill_id = s.id and v.number = s.latest
        """;

    private sealed record Row(Guid Id, Guid WorkspaceId, string Name, string Description, string? Version, string? License, string Metadata,
        int LatestVersion, string ContentHash, string Body, string Content, DateTime CreatedAt, DateTime UpdatedAt)
    {
        public SkillView ToView() => new(Id, WorkspaceId, Name, Description, Version, License, System.Text.Json.JsonDocument.Parse(Metadata).RootElement.Clone(),
            LatestVersion, ContentHash, Body, Content, DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(UpdatedAt, DateTimeKind.Utc));
    }

    public static async Task<IReadOnlyList<SkillView>> QueryAsync(System.Data.IDbConnection conn, string where, object args, CancellationToken ct, System.Data.IDbTransaction? tx = null) =>
        (await conn.QueryAsync<Row>(Cmd.For(Select + " " + where, args, ct, tx))).Select(r => r.ToView()).ToList();
}
