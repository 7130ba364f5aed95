using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

/// <summary>Pins and unpins a message in its channel; anyone who may post there may do either.</summary>
public sealed class PinMessage(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record PinState(Guid MessageId, Guid ChannelId, bool Pinned, Guid? PinnedBy, DateTime? PinnedAt);

    // The caller's rights are part of the write, as for reactions. Pinning twice changes nothing.
    private const string PinSql = $$"""
        update channel_messages m set pinned_at = now(), pinned_by = @userId
        from channels c where c.id = m.channel_id and m.id = @messageId and m.deleted_at is null and m.pinned_at is null
          and {{ChannelRights.CanWrite}}
        returning m.pinned_at
        """;

    private const string UnpinSql = $$"""
        update channel_messages m set pinned_at = null, pinned_by = null
        from channels c where c.id = m.channel_id and m.id = @messageId and m.pinned_at is not null
          and {{ChannelRights.CanWrite}}
        """;

    /// <summary>Pins a message in its channel (channel members who may post).</summary>
    [Function("PinMessage")]
    [Caller(Caller.Person)]
    public Task<Results<Ok<PinState>, ProblemHttpResult>> Pin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/messages/{messageId:guid}/pin")] HttpRequest req, Guid messageId) =>
        ChangeAsync(req, messageId, pin: true);

    /// <summary>Unpins a message.</summary>
    [Function("UnpinMessage")]
    [Caller(Caller.Person)]
    public Task<Results<Ok<PinState>, ProblemHttpResult>> Unpin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/messages/{messageId:guid}/pin")] HttpRequest req, Guid messageId) =>
        ChangeAsync(req, messageId, pin: false);

    private async Task<Results<Ok<PinState>, ProblemHttpResult>> ChangeAsync(HttpRequest req, Guid messageId, bool pin)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, userId, ct, tx);
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        if (PostMessage.WriteProblem(target.Channel) is { } problem) return problem;
        if (pin && target.Deleted) return ApiProblem.Conflict(ErrorCodes.MessageDeleted, "This message was deleted.");

        var workspaceId = target.Channel.WorkspaceId;
        DateTime? pinnedAt = null;
        var changed = pin
            ? (pinnedAt = await conn.QuerySingleOrDefaultAsync<DateTime?>(Cmd.For(PinSql, new { messageId, userId }, ct, tx))) is not null
            : await conn.ExecuteAsync(Cmd.For(UnpinSql, new { messageId, userId }, ct, tx)) == 1;
        var state = new PinState(messageId, target.ChannelId, pin, pin ? userId : null, pinnedAt);
        if (!changed)
        {
            // Already so, or the caller's standing changed since the check: say which.
            await tx.RollbackAsync(ct);
            var now = await MessageAccess.FindAsync(conn, messageId, userId, ct);
            if (now is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
            if (PostMessage.WriteProblem(now.Channel) is { } refused) return refused;
            return TypedResults.Ok(state with { PinnedBy = null, PinnedAt = null });
        }
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.MessagePinned, target.ChannelId, null, state, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(state);
    }
}
