using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

public sealed class DeleteMessage(NpgsqlDataSource dataSource, EventPublisher events)
{
    // Soft delete: the row keeps its place (threads, seq) but loses its text, mentions, reactions and files
    // (their blobs are removed by the CollectDeletedAttachments timer).
    // Who may (the author or a workspace admin, who can see the channel) is part of the write.
    private const string DeleteSql = $$"""
        with gone as (
            update channel_messages m set deleted_at = now(), text = ''
            from channels c
            where m.id = @messageId and c.id = m.channel_id and m.deleted_at is null
              and {{ChannelRights.CanRead}}
              and (m.author_id = @userId or {{ChannelRights.IsWorkspaceAdmin}})
            returning m.id),
        mentions as (delete from message_mentions where message_id in (select id from gone)),
        files as (update attachments set deleted_at = now() where message_id in (select id from gone) and deleted_at is null),
        reactions as (delete from message_reactions where message_id in (select id from gone))
        select count(*)::int from gone
        """;

    private const string ShrinkThreadSql = """
        update channel_messages set reply_count = greatest(reply_count - 1, 0)
        where id = @parentId returning reply_count, last_reply_at
        """;

    /// <summary>Deletes a message (its author, or a workspace owner or admin); it keeps its place in threads. Deleting twice is fine (204).</summary>
    [Function(nameof(DeleteMessage))]
    [Caller(Caller.Person)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/messages/{messageId:guid}")] HttpRequest req, Guid messageId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, userId, ct, tx);
        if (Refusal(target, userId) is { } refused) return refused;
        if (target!.Deleted) return TypedResults.NoContent();

        var workspaceId = target.Channel.WorkspaceId;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct, target.ParentId is null ? 1 : 2);
        if (await conn.ExecuteScalarAsync<int>(Cmd.For(DeleteSql, new { messageId, userId }, ct, tx)) == 0)
        {
            // Deleted meanwhile, or the caller's standing changed between the check and the write.
            await tx.RollbackAsync(ct);
            var now = await MessageAccess.FindAsync(conn, messageId, userId, ct);
            return Refusal(now, userId) is { } problem ? problem : TypedResults.NoContent();
        }
        var logged = new List<WorkspaceEvent>
        {
            await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.MessageDeleted, target.ChannelId, null,
                new { id = messageId, channelId = target.ChannelId, parentId = target.ParentId }, ct),
        };
        if (target.ParentId is { } parentId)
        {
            var (replyCount, lastReplyAt) = await conn.QuerySingleAsync<(int, DateTime?)>(Cmd.For(ShrinkThreadSql, new { parentId }, ct, tx));
            logged.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq + 1, EventTypes.ThreadUpdated, target.ChannelId, null,
                new { channelId = target.ChannelId, parentId, replyCount, lastReplyAt }, ct));
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(logged, ct);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult? Refusal(MessageTarget? target, Guid userId)
    {
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        if (target.AuthorId != userId && !Roles.IsAdmin(target.Channel.Role))
            return ApiProblem.Forbidden(ErrorCodes.Forbidden, "Only the author or an admin deletes a message.");
        return null;
    }
}
