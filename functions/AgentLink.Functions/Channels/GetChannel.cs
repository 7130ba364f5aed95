namespace AgentLink.Functions.Channels;

public static class GetChannel
{
    public static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Handle(
        Guid channelId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, userId) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        return TypedResults.Ok((await ChannelQueries.GetAsync(conn, channelId, userId))!);
    }
}
