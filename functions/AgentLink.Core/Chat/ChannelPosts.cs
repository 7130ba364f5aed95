using AgentLink.Core.Data;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Chat;

/// <summary>A message about to be written: everything checked, nothing numbered yet.</summary>
/// <param name="Attachments">Files checked by <see cref="Files.AttachmentRows.ReadyForPostAsync"/>, put on the message in its transaction.</param>
/// <param name="ForAgents">What agents receive instead of the message as people see it (signed file URLs).</param>
public sealed record PostDraft(Guid Id, Guid WorkspaceId, Guid ChannelId, Guid? ParentId, AuthorView Author, string Text, Guid[] Mentions, AgentFanout Agents,
    Files.AttachmentView[]? Attachments = null, Func<MessageView, MessageView>? ForAgents = null)
{
    /// <summary>Sequence numbers the post takes: its own, plus one for the thread update of a reply.</summary>
    public int SeqCount => ParentId is null ? 1 : 2;
}

public sealed record PostResult(MessageView Message, IReadOnlyList<WorkspaceEvent> Events, IReadOnlyList<Guid> AgentStreams);

/// <summary>
/// Writes a message inside a <see cref="WorkspaceWriter"/> batch: the message, its
/// mentions, the channel's newest seq, the event rows, the thread counters and what
/// agents are owed. Shared by humans posting over HTTP and agents posting over MQTT.
/// </summary>
public static class ChannelPosts
{
    // One round trip for the message itself, whatever its size.
    private const string InsertSql = """
        with msg as (
            insert into channel_messages (id, workspace_id, channel_id, author_id, parent_id, seq, text, created_at)
            values (@id, @workspaceId, @channelId, @authorId, @parentId, @seq, @text, @createdAt)),
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

    public static async Task<PostResult> InsertAsync(NpgsqlConnection db, NpgsqlTransaction tx, PostDraft draft, long seq, CancellationToken ct)
    {
        var createdAt = DateTime.UtcNow;
        var (workspaceId, channelId) = (draft.WorkspaceId, draft.ChannelId);
        var message = new MessageView(draft.Id, workspaceId, channelId, seq, draft.ParentId, draft.Author,
            draft.Text, draft.Mentions, [], 0, null, createdAt, null, null, draft.Attachments ?? []);
        var created = new WorkspaceEvent(workspaceId, seq, EventTypes.MessageCreated, channelId, null, WorkspaceEvent.ToData(message));
        var replyCount = await db.QuerySingleOrDefaultAsync<int?>(Cmd.For(InsertSql, new
        {
            id = draft.Id, workspaceId, channelId, authorId = draft.Author.Id, parentId = draft.ParentId, seq,
            text = draft.Text, createdAt, mentions = draft.Mentions, payload = created.Data.GetRawText(),
        }, ct, tx));
        // The files were checked before the batch; one taken meanwhile by a concurrent post of the same uploader stays there.
        await Files.AttachmentRows.AttachAsync(db, tx, draft.Id, (draft.Attachments ?? []).Select(a => a.Id).ToArray(), ct);
        var events = new List<WorkspaceEvent> { created };
        if (draft.ParentId is { } root)
            events.Add(await WorkspaceEventLog.AppendAsync(db, tx, workspaceId, seq + 1, EventTypes.ThreadUpdated, channelId, null,
                new { channelId, parentId = root, replyCount, lastReplyAt = createdAt }, ct));
        var streams = await AgentOutbox.EnqueuePostAsync(db, tx, draft.Agents, draft.ForAgents is { } sign ? sign(message) : message, ct);
        return new PostResult(message, events, streams);
    }
}
