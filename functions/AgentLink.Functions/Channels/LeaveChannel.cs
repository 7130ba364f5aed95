using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class LeaveChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    private const string DeleteSql = "delete from channel_members where channel_id = @channelId and user_id = @userId";

    [Function(nameof(LeaveChannel))]
    [Caller(Caller.Person)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/leave")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.IsDm) return ApiProblem.BadRequest(ErrorCodes.CannotLeaveDm, "A DM cannot be left.");
        if (await conn.ExecuteAsync(Cmd.For(DeleteSql, new { channelId, userId }, ct, tx)) == 0) return TypedResults.NoContent();

        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, channel.WorkspaceId, ct, 2);
        var data = new { channelId, userId };
        // The remaining members hear it through the channel; the leaver's other tabs through a user event.
        var toChannel = await WorkspaceEventLog.AppendAsync(conn, tx, channel.WorkspaceId, seq, EventTypes.ChannelMemberLeft, channelId, null, data, ct);
        var toSelf = await WorkspaceEventLog.AppendAsync(conn, tx, channel.WorkspaceId, seq + 1, EventTypes.ChannelMemberLeft, channelId, userId, data, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync([toChannel, toSelf], ct);
        return TypedResults.NoContent();
    }
}
