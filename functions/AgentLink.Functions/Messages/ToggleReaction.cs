using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

public sealed class ToggleReaction(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Emoji);

    public sealed record Response(Guid MessageId, bool Added, ReactionView[] Reactions);

    // Both carry the caller's rights: checked before, they may have changed since.
    private const string RemoveSql = $$"""
        delete from message_reactions r using channel_messages m join channels c on c.id = m.channel_id
        where r.message_id = @messageId and r.user_id = @userId and r.emoji = @emoji and m.id = r.message_id
          and {{ChannelRights.CanWrite}}
        """;

    private const string AddSql = $$"""
        insert into message_reactions (message_id, workspace_id, user_id, emoji)
        select m.id, m.workspace_id, @userId, @emoji from channel_messages m join channels c on c.id = m.channel_id
        where m.id = @messageId and m.deleted_at is null and {{ChannelRights.CanWrite}}
        """;

    /// <summary>Adds the caller's reaction, or removes it when already there.</summary>
    [Function(nameof(ToggleReaction))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/messages/{messageId:guid}/reactions")] HttpRequest req, Guid messageId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var emoji = body.Emoji?.Trim();
        var check = new Validate()
            .Required("emoji", emoji, 32)
            .Check(emoji is null || !emoji.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)), "emoji", "One emoji or :name:, no spaces.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, userId, ct, tx);
        if (Refusal(target) is { } refused) return refused;

        var workspaceId = target!.Channel.WorkspaceId;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        var added = await conn.ExecuteAsync(Cmd.For(RemoveSql, new { messageId, userId, emoji }, ct, tx)) == 0;
        if (added && await conn.ExecuteAsync(Cmd.For(AddSql, new { messageId, userId, emoji }, ct, tx)) == 0)
        {
            // Neither removed nor added: the caller's standing (or the message) changed since the check.
            await tx.RollbackAsync(ct);
            return Refusal(await MessageAccess.FindAsync(conn, messageId, userId, ct))
                   ?? ApiProblem.Conflict(ErrorCodes.MessageDeleted, "The message changed meanwhile; try again.");
        }
        var reactions = await MessageQueries.ReactionsAsync(conn, messageId, ct, tx);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ReactionsChanged, target.ChannelId, null, new { messageId, channelId = target.ChannelId, reactions }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(new Response(messageId, added, reactions));
    }

    private static ProblemHttpResult? Refusal(MessageTarget? target)
    {
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        if (PostMessage.WriteProblem(target.Channel) is { } problem) return problem;
        if (target.Deleted) return ApiProblem.Conflict(ErrorCodes.MessageDeleted, "This message was deleted.");
        return null;
    }
}
