namespace AgentLink.Functions.Messages;

public static class SearchMessages
{
    public sealed record Result(IReadOnlyList<MessageView> Items);

    // Readable = public channels of the workspace, plus private channels and DMs the caller is in.
    private const string Where = """
        join channels c on c.id = m.channel_id
        left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
        where m.workspace_id = @workspaceId and m.deleted_at is null
          and m.search @@ websearch_to_tsquery('english', @q)
          and ((c.type = 'channel' and not c.is_private) or cm.user_id is not null)
        order by ts_rank(m.search, websearch_to_tsquery('english', @q)) desc, m.seq desc
        limit @limit
        """;

    /// <summary>Full-text search (English stemming, web-search syntax: "quoted phrases", -exclude, or).</summary>
    public static async Task<Results<Ok<Result>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid workspaceId, string? q, int? limit, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var take = limit ?? 20;
        var check = new Validate().Required("q", q, 200).Check(take is >= 1 and <= 100, "limit", "Between 1 and 100.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.RoleAsync(conn, workspaceId, userId) is null)
            return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        var items = await MessageQueries.QueryAsync(conn, Where, new { workspaceId, userId, q, limit = take });
        return TypedResults.Ok(new Result(items));
    }
}
