namespace AgentLink.Functions.Messages;

public sealed class GetThread(NpgsqlDataSource dataSource)
{
    public sealed record Thread(MessageView Root, IReadOnlyList<MessageView> Replies);

    /// <summary>The thread a message belongs to: its root and every reply, oldest first.</summary>
    [Function(nameof(GetThread))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<Thread>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/messages/{messageId:guid}/thread")] HttpRequest req, Guid messageId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, user.UserId(), ct);
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        var rootId = target.ParentId ?? target.Id;
        var root = await MessageQueries.GetAsync(conn, rootId, ct);
        var replies = await MessageQueries.QueryAsync(conn, "where m.parent_id = @rootId order by m.seq", new { rootId }, ct);
        return TypedResults.Ok(new Thread(root, replies));
    }
}
