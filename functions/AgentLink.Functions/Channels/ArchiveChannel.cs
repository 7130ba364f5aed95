using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class ArchiveChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    private const string ArchiveSql = "update channels set archived_at = now() where id = @channelId and archived_at is null";

    /// <summary>The channel's creator, or a workspace owner or admin. History stays readable; posting stops.</summary>
    [Function(nameof(ArchiveChannel))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/archive")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.IsDm) return ApiProblem.BadRequest(ErrorCodes.InvalidRequest, "DMs cannot be archived.");
        if (!(Roles.IsAdmin(channel.Role) || (channel.CreatedBy == userId && Roles.CanWrite(channel.Role))))
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the channel's creator or an admin archives it.");

        WorkspaceEvent? e = null;
        if (await conn.ExecuteAsync(Cmd.For(ArchiveSql, new { channelId }, ct, tx)) == 1)
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, channel.WorkspaceId, ct);
            e = await WorkspaceEventLog.AppendAsync(conn, tx, channel.WorkspaceId, seq, EventTypes.ChannelUpdated, channel.IsPrivate ? channelId : null, null, new { channelId, archived = true }, ct);
        }
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
