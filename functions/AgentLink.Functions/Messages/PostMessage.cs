using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Files;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public sealed class PostMessage(NpgsqlDataSource dataSource, WorkspaceWriter writer, IEventBus bus, IOptions<ChatLimits> limits, AttachmentLinks links)
{
    public sealed record Request(string? Text, Guid? ParentId, Guid[]? AttachmentIds);

    private const string ParentSql = """
        select coalesce(parent_id, id) from channel_messages
        where id = @parentId and channel_id = @channelId and deleted_at is null
        """;

    // One transaction writes the message, its mentions, the thread counters, the events and what
    // agents are owed (batched with concurrent posts of the workspace by the WorkspaceWriter);
    // the bus and the bridge hear of it only after commit.
    /// <summary>Posts a message in a channel or DM, or a reply in a thread (parentId), with up to 10 confirmed files (attachmentIds). Mentions are written &lt;@userId&gt;.</summary>
    [Function(nameof(PostMessage))]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.Posting), JsonBody(typeof(Request))]
    public async Task<Results<Created<MessageView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/messages")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var text = body.Text?.Trim() ?? "";
        var max = limits.Value.MaxMessageLength;
        var fileIds = body.AttachmentIds ?? [];
        // Files alone make a message; otherwise the text is required.
        var check = fileIds.Length > 0 ? new Validate().Check(text.Length <= max, "text", $"At most {max} characters.") : new Validate().Required("text", text, max);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (WriteProblem(channel) is { } problem) return problem;

        Guid? parentId = null;
        if (body.ParentId is { } requested)
        {
            // Threads are one level deep: a reply to a reply joins the root's thread.
            parentId = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(ParentSql, new { parentId = requested, channelId }, ct));
            if (parentId is null) return ApiProblem.BadRequest(ErrorCodes.InvalidParent, "parentId is not a message of this channel.");
        }
        var (files, fileProblem) = await AttachmentRows.ReadyForPostAsync(conn, fileIds, userId, channelId, ct);
        if (fileProblem is not null) return ApiProblem.Invalid("attachmentIds", fileProblem);
        var workspaceId = channel.WorkspaceId;
        var mentions = await Mentions.ResolveAsync(conn, workspaceId, text, ct);
        var fanout = await AgentFanout.ForPostAsync(conn, workspaceId, channelId, channel.IsDm, userId, mentions, ct);
        await conn.CloseAsync();

        var draft = new PostDraft(Guid.CreateVersion7(), workspaceId, channelId, parentId, new AuthorView(userId, user.DisplayName(), "human"),
            text, mentions, fanout, files, links.ForAgents);
        var posted = await writer.WriteAsync(workspaceId, draft.SeqCount, async (db, tx, seq, batch) =>
        {
            var result = await ChannelPosts.InsertAsync(db, tx, draft, seq, batch);
            return (result, result.Events);
        }, ct);
        AgentLink.Core.Telemetry.AgentLinkTelemetry.MessagesPosted.Add(1, new KeyValuePair<string, object?>("sender", "person"));
        await AgentOutbox.SignalAsync(bus, posted.AgentStreams);
        var view = posted.Message;
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
