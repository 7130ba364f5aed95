using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public sealed class EditMessage(NpgsqlDataSource dataSource, EventPublisher events, IOptions<ChatLimits> limits)
{
    public sealed record Request(string? Text);

    // The author's rights are part of the write: checked before, they may have changed since.
    private const string UpdateSql = $$"""
        update channel_messages m set text = @text, edited_at = now()
        from channels c
        where m.id = @messageId and c.id = m.channel_id and m.deleted_at is null and m.author_id = @userId
          and {{ChannelRights.CanWrite}}
        """;

    /// <summary>Edits a message; only its author may. Mentions are read again from the new text.</summary>
    [Function(nameof(EditMessage))]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.Posting), JsonBody(typeof(Request))]
    public async Task<Results<Ok<MessageView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/messages/{messageId:guid}")] HttpRequest req, Guid messageId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var text = body.Text?.Trim();
        var check = new Validate().Required("text", text, limits.Value.MaxMessageLength);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, userId, ct, tx);
        if (Refusal(target, userId) is { } refused) return refused;

        var workspaceId = target!.Channel.WorkspaceId;
        var mentions = await Mentions.ResolveAsync(conn, workspaceId, text!, ct, tx);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        if (await conn.ExecuteAsync(Cmd.For(UpdateSql, new { messageId, text, userId }, ct, tx)) == 0)
        {
            // The caller's standing changed between the check and the write: say what it is now.
            await tx.RollbackAsync(ct);
            return Refusal(await MessageAccess.FindAsync(conn, messageId, userId, ct), userId)
                   ?? ApiProblem.Conflict(ErrorCodes.MessageDeleted, "The message changed meanwhile; try again.");
        }
        await Mentions.SaveAsync(conn, tx, workspaceId, messageId, mentions, ct);
        var view = await MessageQueries.GetAsync(conn, messageId, ct, tx);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.MessageUpdated, target.ChannelId, null, view, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }

    private static ProblemHttpResult? Refusal(MessageTarget? target, Guid userId)
    {
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        if (target.AuthorId != userId) return ApiProblem.Forbidden(ErrorCodes.Forbidden, "Only the author edits a message.");
        if (target.Deleted) return ApiProblem.Conflict(ErrorCodes.MessageDeleted, "This message was deleted.");
        return PostMessage.WriteProblem(target.Channel);
    }
}
