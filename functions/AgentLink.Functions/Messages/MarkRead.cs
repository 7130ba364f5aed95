namespace AgentLink.Functions.Messages;

public sealed class MarkRead(NpgsqlDataSource dataSource, ReadPositions positions)
{
    /// <summary>Seq defaults to the channel's newest message.</summary>
    public sealed record Request(long? Seq);

    public sealed record ReadState(Guid ChannelId, long LastReadSeq);

    /// <summary>Moves the caller's read position in the channel (never backwards); their other tabs hear of it.</summary>
    [Function(nameof(MarkRead))]
    [Caller(Caller.Person), JsonBody(typeof(Request), required: false)]
    public async Task<Results<Ok<ReadState>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/read")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonOrDefaultAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        // The write itself only moves the caller's own membership row; on none, find out why.
        if (await positions.MoveAsync(userId, channelId, body?.Seq, ct) is { } moved)
            return TypedResults.Ok(new ReadState(channelId, moved.LastReadSeq));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct) is null
            ? ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel")
            : ApiProblem.Forbidden(ErrorCodes.NotChannelMember, "Join the channel first.");
    }
}
