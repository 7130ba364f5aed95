namespace AgentLink.Functions.Channels;

public static class ListChannels
{
    /// <summary>Public channels (joined or not) plus the private channels and DMs the caller is in, with unread counts.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ChannelView>>, ProblemHttpResult>> Handle(
        Guid workspaceId, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.RoleAsync(conn, workspaceId, userId) is null)
            return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        return TypedResults.Ok(await ChannelQueries.ListAsync(conn, workspaceId, userId));
    }
}
