using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public static class EditMessage
{
    public sealed record Request(string? Text);

    private const string UpdateSql = "update channel_messages set text = @text, edited_at = now() where id = @messageId and deleted_at is null";

    /// <summary>Only the author edits; mentions are re-read from the new text.</summary>
    public static async Task<Results<Ok<MessageView>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid messageId, Request body, ClaimsPrincipal user, NpgsqlDataSource dataSource, EventPublisher events,
        IOptions<ChatLimits> limits, CancellationToken ct)
    {
        var text = body.Text?.Trim();
        var check = new Validate().Required("text", text, limits.Value.MaxMessageLength);
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await MessageAccess.FindAsync(conn, messageId, userId, tx);
        if (target is null) return ApiProblem.NotFound(ErrorCodes.MessageNotFound, "Message");
        if (target.AuthorId != userId) return ApiProblem.Forbidden(ErrorCodes.Forbidden, "Only the author edits a message.");
        if (target.Deleted) return ApiProblem.Conflict(ErrorCodes.MessageDeleted, "This message was deleted.");
        if (PostMessage.WriteProblem(target.Channel) is { } problem) return problem;

        var workspaceId = target.Channel.WorkspaceId;
        var mentions = await Mentions.ResolveAsync(conn, workspaceId, text!, tx);
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId);
        await conn.ExecuteAsync(UpdateSql, new { messageId, text }, tx);
        await Mentions.SaveAsync(conn, tx, workspaceId, messageId, mentions);
        var view = await MessageQueries.GetAsync(conn, messageId, tx);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.MessageUpdated, target.ChannelId, null, view);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
