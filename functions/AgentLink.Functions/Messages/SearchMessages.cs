namespace AgentLink.Functions.Messages;

public sealed partial class SearchMessages(NpgsqlDataSource dataSource)
{
    public sealed record Result(IReadOnlyList<MessageView> Items);

    // Readable = public channels of the workspace, plus private channels and DMs the caller is in.
    // The last word typed is a prefix ("retr" finds "retro"), as people search while they type;
    // the rest is web-search syntax. An empty side of && leaves the other.
    private const string Where = """
        join channels c on c.id = m.channel_id
        left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
        cross join lateral (select websearch_to_tsquery('english', @head)
                                   && coalesce(to_tsquery('english', @prefix), ''::tsquery) as query) s
        where m.workspace_id = @workspaceId and m.deleted_at is null
          and m.search @@ s.query
          and ((c.type = 'channel' and not c.is_private) or cm.user_id is not null)
        order by ts_rank(m.search, s.query) desc, m.seq desc
        limit @limit
        """;

    /// <summary>Splits off the last word when it is a plain word (not quoted, not excluded) still being typed.</summary>
    public static (string Head, string? Prefix) SplitPrefix(string q)
    {
        var match = LastWord().Match(q);
        if (!match.Success || q.Count(ch => ch == '"') % 2 == 1) return (q, null);
        return (q[..match.Index], match.Groups["word"].Value + ":*");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|\s)(?<word>[\p{L}\p{N}]+)$")]
    private static partial System.Text.RegularExpressions.Regex LastWord();

    /// <summary>Searches the messages the caller can read in the workspace (English stemming, web-search syntax: "quoted phrases", -exclude, or).</summary>
    [Function(nameof(SearchMessages))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer), Query("q", typeof(string), "What to find: words, \"a phrase\", -exclude, or."), Query("limit", typeof(int?), "At most this many results, 1 to 100 (default 20).")]
    public async Task<Results<Ok<Result>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/search")] HttpRequest req, Guid workspaceId)
    {
        var q = req.QueryString("q");
        var limit = req.QueryInt("limit");
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var take = limit ?? 20;
        var check = new Validate().Required("q", q, 200).Check(take is >= 1 and <= 100, "limit", "Between 1 and 100.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (head, prefix) = SplitPrefix(q!);
        var items = await MessageQueries.QueryAsync(conn, Where, new { workspaceId, userId, head, prefix, limit = take }, ct);
        return TypedResults.Ok(new Result(items));
    }
}
