using System.Security.Claims;
using AgentLink.Core.Auth;
using AgentLink.Core.Events;
using AgentLink.Core.Http;
using AgentLink.Core.Options;
using AgentLink.Functions.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Functions.Messages;

public static class PostMessage
{
    public sealed record Request(string? Text, Guid? ParentId);

    private const string ParentSql = """
        select coalesce(parent_id, id) from channel_messages
        where id = @parentId and channel_id = @channelId and deleted_at is null
        """;

    private const string InsertSql = """
        insert into channel_messages (workspace_id, channel_id, author_id, parent_id, seq, text)
        values (@workspaceId, @channelId, @userId, @parentId, @seq, @text)
        returning id, created_at
        """;

    private const string ChannelSeqSql = "update channels set last_message_seq = @seq where id = @channelId";

    private const string BumpThreadSql = """
        update channel_messages set reply_count = reply_count + 1, last_reply_at = now()
        where id = @parentId returning reply_count, last_reply_at
        """;

    /// <summary>
    /// One transaction writes the message, its mentions, the thread counters and
    /// the events; the bus hears of it only after commit.
    /// </summary>
    public static async Task<Results<Created<MessageView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid channelId, Request body, ClaimsPrincipal user, NpgsqlDataSource dataSource, EventPublisher events,
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

        await using var tx = await conn.BeginTransactionAsync(ct);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, parentId is null ? 1 : 2);
        var (id, createdAt) = await conn.QuerySingleAsync<(Guid, DateTime)>(InsertSql, new { workspaceId, channelId, userId, parentId, seq, text }, tx);
        if (mentions.Length > 0) await Mentions.SaveAsync(conn, tx, workspaceId, id, mentions);
        await conn.ExecuteAsync(ChannelSeqSql, new { seq, channelId }, tx);

        var view = new MessageView(id, workspaceId, channelId, seq, parentId, new AuthorView(userId, user.DisplayName(), "human"),
            text!, mentions, [], 0, null, createdAt, null, null);
        var logged = new List<WorkspaceEvent>
        {
            await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.MessageCreated, channelId, null, view),
        };
        if (parentId is { } root)
        {
            var (replyCount, lastReplyAt) = await conn.QuerySingleAsync<(int, DateTime)>(BumpThreadSql, new { parentId = root }, tx);
            logged.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq + 1, EventTypes.ThreadUpdated, channelId, null,
                new { channelId, parentId = root, replyCount, lastReplyAt }));
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(logged, ct);
        return TypedResults.Created($"/api/v1/messages/{id}", view);
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
