namespace AgentLink.Functions.Channels;

public sealed class GetChannel(NpgsqlDataSource dataSource)
{
    /// <summary>One channel the caller can see, with their membership and unread count.</summary>
    [Function(nameof(GetChannel))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/channels/{channelId:guid}")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        return TypedResults.Ok((await ChannelQueries.GetAsync(conn, channelId, userId, ct))!);
    }
}
