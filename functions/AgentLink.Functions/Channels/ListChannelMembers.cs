namespace AgentLink.Functions.Channels;

public static class ListChannelMembers
{
    public sealed record ChannelMemberView(Guid UserId, string Name, string Kind, DateTime JoinedAt);

    private const string Sql = """
        select u.id as user_id, u.name, u.kind, cm.joined_at
        from channel_members cm join users u on u.id = cm.user_id
        where cm.channel_id = @channelId
        order by lower(u.name)
        """;

    public static async Task<Results<Ok<IEnumerable<ChannelMemberView>>, ProblemHttpResult>> Handle(
        Guid channelId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, user.UserId()) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        return TypedResults.Ok(await conn.QueryAsync<ChannelMemberView>(Sql, new { channelId }));
    }
}
