using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

public sealed class MarkRead(NpgsqlDataSource dataSource, EventPublisher events)
{
    /// <summary>Seq defaults to the channel's newest message.</summary>
    public sealed record Request(long? Seq);

    public sealed record ReadState(Guid ChannelId, long LastReadSeq);

    // The subquery in RETURNING reads the statement's snapshot, i.e. the position before this update.
    private const string UpdateSql = """
        update channel_members cm
        set last_read_seq = greatest(cm.last_read_seq, least(coalesce(@seq, c.last_message_seq), c.last_message_seq))
        from channels c
        where c.id = cm.channel_id and cm.channel_id = @channelId and cm.user_id = @userId
        returning cm.last_read_seq, (select last_read_seq from channel_members where channel_id = @channelId and user_id = @userId) as before
        """;

    /// <summary>Moves the caller's read position in the channel (never backwards); their other tabs hear of it.</summary>
    [Function(nameof(MarkRead))]
    [Caller(Caller.Person), JsonBody(typeof(Request), required: false)]
    public async Task<Results<Ok<ReadState>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/read")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonOrDefaultAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (!channel.IsMember) return ApiProblem.Forbidden(ErrorCodes.NotChannelMember, "Join the channel first.");

        var (lastRead, before) = await conn.QuerySingleAsync<(long, long)>(Cmd.For(UpdateSql, new { channelId, userId, seq = body?.Seq }, ct, tx));
        var state = new ReadState(channelId, lastRead);
        WorkspaceEvent? e = null;
        if (lastRead != before)
        {
            // Only the reader's own tabs hear about it.
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, channel.WorkspaceId, ct);
            e = await WorkspaceEventLog.AppendAsync(conn, tx, channel.WorkspaceId, seq, EventTypes.ReadUpdated, channelId, userId, state, ct);
        }
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        return TypedResults.Ok(state);
    }
}
