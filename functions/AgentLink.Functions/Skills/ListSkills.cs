namespace AgentLink.Functions.Skills;

public sealed class ListSkills(NpgsqlDataSource dataSource)
{
    public sealed record Result(IReadOnlyList<SkillView> Items);

    /// <summary>The workspace's skills with their latest version, by name.</summary>
    [Function(nameof(ListSkills))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<Result>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/skills")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(new Result(await SkillQueries.QueryAsync(conn, "where s.workspace_id = @workspaceId order by s.slug", new { workspaceId }, ct)));
    }
}
