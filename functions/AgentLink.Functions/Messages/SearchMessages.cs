namespace AgentLink.Functions.Messages;

public sealed class SearchMessages(NpgsqlDataSource dataSource)
{
    public sealed record Result(IReadOnlyList<MessageView> Items);

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
        var items = await MessageSearch.FindAsync(conn, workspaceId, userId, q!, take, MessageSearch.Readable.PublicAndMember, ct);
        return TypedResults.Ok(new Result(items));
    }
}
