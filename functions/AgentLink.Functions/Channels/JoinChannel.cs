using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class JoinChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    /// <summary>Public channels only; a private channel a caller is not in does not exist for them (404).</summary>
    [Function(nameof(JoinChannel))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/join")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.Archived) return ApiProblem.Conflict(ErrorCodes.ChannelArchived, "This channel is archived.");

        var (outcome, e) = await ChannelMembership.AddAsync(conn, tx, channel.WorkspaceId, channelId, userId, user.DisplayName(), userId, ct);
        if (outcome == ChannelMembership.Outcome.Refused)
        {
            // Archived, or the caller left the workspace, since the check.
            await tx.RollbackAsync(ct);
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        }
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
