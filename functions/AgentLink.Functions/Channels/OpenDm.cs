using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class OpenDm(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(Guid? UserId);

    private const string InsertSql = """
        insert into channels (workspace_id, type, name, is_private, dm_key, created_by)
        values (@workspaceId, 'dm', 'dm', true, @dmKey, @userId)
        on conflict (workspace_id, dm_key) where type = 'dm' do nothing
        returning id
        """;

    private const string FindSql = "select id from channels where workspace_id = @workspaceId and type = 'dm' and dm_key = @dmKey";

    private const string MembersSql = """
        insert into channel_members (channel_id, workspace_id, user_id)
        values (@channelId, @workspaceId, @userId), (@channelId, @workspaceId, @peerId)
        """;

    /// <summary>Finds the one DM between the caller and another member (200), or creates it (201).</summary>
    [Function(nameof(OpenDm))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request))]
    public async Task<Results<Ok<ChannelView>, Created<ChannelView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/dms")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        if (body.UserId is not { } peerId) return ApiProblem.Invalid("userId", "Required.");
        var userId = user.UserId();
        if (peerId == userId) return ApiProblem.BadRequest(ErrorCodes.CannotDmSelf, "A DM needs another member.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await WorkspaceAccess.RoleAsync(conn, workspaceId, peerId, ct, tx) is null) return ApiProblem.NotFound(ErrorCodes.UserNotFound, "User");

        var dmKey = string.Join(':', new[] { userId, peerId }.Order());
        var created = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(InsertSql, new { workspaceId, dmKey, userId }, ct, tx));
        if (created is not { } channelId)
        {
            await tx.RollbackAsync(ct);
            var existing = await conn.QuerySingleAsync<Guid>(Cmd.For(FindSql, new { workspaceId, dmKey }, ct));
            return TypedResults.Ok((await ChannelQueries.GetAsync(conn, existing, userId, ct))!);
        }
        await conn.ExecuteAsync(Cmd.For(MembersSql, new { channelId, workspaceId, userId, peerId }, ct, tx));
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelCreated, channelId, null, new { channelId, type = "dm", memberIds = new[] { userId, peerId } }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Created($"/api/v1/channels/{channelId}", view);
    }
}
