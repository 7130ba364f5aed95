namespace AgentLink.Functions.Channels;

public sealed class ListChannelMembers(NpgsqlDataSource dataSource)
{
    public sealed record ChannelMemberView(Guid UserId, string Name, string Kind, DateTime JoinedAt);

    private const string Sql = """
        select u.id as user_id, u.name, u.kind, cm.joined_at
        from channel_members cm join users u on u.id = cm.user_id
        where cm.channel_id = @channelId
        order by lower(u.name)
        """;

    /// <summary>The channel's members, people and agents.</summary>
    [Function(nameof(ListChannelMembers))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<IEnumerable<ChannelMemberView>>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/channels/{channelId:guid}/members")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, req.HttpContext.User.UserId(), ct) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        return TypedResults.Ok(await conn.QueryAsync<ChannelMemberView>(Cmd.For(Sql, new { channelId }, ct)));
    }
}
