using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public static class PostMessage
{
    public sealed record Request(string? Text, Guid? ParentId);

    private const string ParentSql = """
        select coalesce(parent_id, id) from channel_messages
        where id = @parentId and channel_id = @channelId and deleted_at is null
        """;

    // One round trip per message inside the batch: the message, its mentions, the
    // channel's newest seq, the event row and, for a reply, the thread counters.
    private const string InsertSql = """
        with msg as (
            insert into channel_messages (id, workspace_id, channel_id, author_id, parent_id, seq, text, created_at)
            values (@id, @workspaceId, @channelId, @userId, @parentId, @seq, @text, @createdAt)),
        men as (
            insert into message_mentions (message_id, workspace_id, user_id) select @id, @workspaceId, unnest(@mentions)),
        ch as (
            update channels set last_message_seq = @seq where id = @channelId),
        ev as (
            insert into workspace_events (workspace_id, seq, type, channel_id, payload)
            values (@workspaceId, @seq, 'message.created', @channelId, @payload::jsonb)),
        thread as (
            update channel_messages set reply_count = reply_count + 1, last_reply_at = @createdAt
            where id = @parentId returning reply_count)
        select reply_count from thread
        """;

    /// <summary>
    /// One transaction writes the message, its mentions, the thread counters and
    /// the events (batched with concurrent posts of the workspace by the
    /// <see cref="WorkspaceWriter"/>); the bus hears of it only after commit.
    /// </summary>
    public static async Task<Results<Created<MessageView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid channelId, Request body, ClaimsPrincipal user, NpgsqlDataSource dataSource, WorkspaceWriter writer,
        IOptions<ChatLimits> limits, CancellationToken ct)
    {
        var text = body.Text?.Trim();
        var max = limits.Value.MaxMessageLength;
        var check = new Validate().Required("text", text, max);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (WriteProblem(channel) is { } problem) return problem;

        Guid? parentId = null;
        if (body.ParentId is { } requested)
        {
            // Threads are one level deep: a reply to a reply joins the root's thread.
            parentId = await conn.QuerySingleOrDefaultAsync<Guid?>(ParentSql, new { parentId = requested, channelId });
            if (parentId is null) return ApiProblem.BadRequest(ErrorCodes.InvalidParent, "parentId is not a message of this channel.");
        }
        var workspaceId = channel.WorkspaceId;
        var mentions = await Mentions.ResolveAsync(conn, workspaceId, text!);

        await conn.CloseAsync();

        var id = Guid.CreateVersion7();
        var view = await writer.WriteAsync(workspaceId, parentId is null ? 1 : 2, async (db, tx, seq) =>
        {
            var createdAt = DateTime.UtcNow;
            var message = new MessageView(id, workspaceId, channelId, seq, parentId, new AuthorView(userId, user.DisplayName(), "human"),
                text!, mentions, [], 0, null, createdAt, null, null);
            var created = new WorkspaceEvent(workspaceId, seq, EventTypes.MessageCreated, channelId, null, WorkspaceEvent.ToData(message));
            var replyCount = await db.QuerySingleOrDefaultAsync<int?>(InsertSql,
                new { id, workspaceId, channelId, userId, parentId, seq, text, createdAt, mentions, payload = created.Data.GetRawText() }, tx);
            var logged = new List<WorkspaceEvent> { created };
            if (parentId is { } root)
                logged.Add(await WorkspaceEventLog.AppendAsync(db, tx, workspaceId, seq + 1, EventTypes.ThreadUpdated, channelId, null,
                    new { channelId, parentId = root, replyCount, lastReplyAt = createdAt }));
            return (message, (IReadOnlyList<WorkspaceEvent>)logged);
        });
        return TypedResults.Created($"/api/v1/messages/{view.Id}", view);
    }

    /// <summary>Why the caller may not write in this channel, or null when they may.</summary>
    public static ProblemHttpResult? WriteProblem(ChannelAccess channel)
    {
        if (!Roles.CanWrite(channel.Role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers can read but not post or react.");
        if (!channel.IsMember) return ApiProblem.Forbidden(ErrorCodes.NotChannelMember, "Join the channel first.");
        if (channel.Archived) return ApiProblem.Conflict(ErrorCodes.ChannelArchived, "This channel is archived.");
        return null;
    }
}
