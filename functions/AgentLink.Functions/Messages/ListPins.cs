namespace AgentLink.Functions.Messages;

public sealed class ListPins(NpgsqlDataSource dataSource)
{
    public sealed record Result(IReadOnlyList<MessageView> Items);

    private const string Where = $$"""
        join channels c on c.id = m.channel_id
        where m.channel_id = @channelId and m.pinned_at is not null and m.deleted_at is null and {{ChannelRights.CanRead}}
        order by m.pinned_at desc
        limit 100
        """;

    /// <summary>The channel's pinned messages, the latest pin first (at most 100).</summary>
    [Function(nameof(ListPins))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<Result>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/channels/{channelId:guid}/pins")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct);
        if (channel is null || !channel.CanRead) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        return TypedResults.Ok(new Result(await MessageQueries.QueryAsync(conn, Where, new { channelId, userId }, ct)));
    }
}
