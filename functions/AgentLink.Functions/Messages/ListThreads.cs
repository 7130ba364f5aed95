namespace AgentLink.Functions.Messages;

public sealed class ListThreads(NpgsqlDataSource dataSource)
{
    public sealed record Result(IReadOnlyList<MessageView> Items);

    // Threads (roots with replies) the caller started or replied in, in channels they may still read.
    private const string Where = $$"""
        join channels c on c.id = m.channel_id
        where m.workspace_id = @workspaceId and m.parent_id is null and m.reply_count > 0
          and (m.author_id = @userId
               or exists (select 1 from channel_messages r where r.parent_id = m.id and r.author_id = @userId and r.deleted_at is null))
          and {{ChannelRights.CanRead}}
        order by m.last_reply_at desc nulls last, m.seq desc
        limit @limit
        """;

    /// <summary>The threads the caller started or replied in, the most recently answered first (at most 50).</summary>
    [Function(nameof(ListThreads))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<Result>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/threads")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var items = await MessageQueries.QueryAsync(conn, Where, new { workspaceId, userId, limit = 50 }, ct);
        return TypedResults.Ok(new Result(items));
    }
}
