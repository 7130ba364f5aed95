namespace AgentLink.Functions.Channels;

public sealed class ListChannels(NpgsqlDataSource dataSource)
{
    /// <summary>Public channels (joined or not) plus the private channels and DMs the caller is in, with unread counts.</summary>
    [Function(nameof(ListChannels))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Results<Ok<IReadOnlyList<ChannelView>>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/channels")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await ChannelQueries.ListAsync(conn, workspaceId, req.HttpContext.User.UserId(), ct));
    }
}
