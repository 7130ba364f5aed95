using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class AddChannelMember(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(Guid? UserId);

    /// <summary>A member of the channel (not a viewer) adds another workspace member; DMs stay two-person.</summary>
    [Function(nameof(AddChannelMember))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/members")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        if (body.UserId is not { } targetId) return ApiProblem.Invalid("userId", "Required.");
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.IsDm) return ApiProblem.BadRequest(ErrorCodes.InvalidRequest, "DMs have exactly two members.");
        if (!channel.IsMember) return ApiProblem.Forbidden(ErrorCodes.NotChannelMember, "Join the channel first.");
        if (!Roles.CanWrite(channel.Role)) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Viewers cannot add members.");
        if (channel.Archived) return ApiProblem.Conflict(ErrorCodes.ChannelArchived, "This channel is archived.");
        var name = await conn.QuerySingleOrDefaultAsync<string>(Cmd.For("select u.name from memberships m join users u on u.id = m.user_id where m.workspace_id = @workspaceId and m.user_id = @targetId", new { channel.WorkspaceId, targetId }, ct, tx));
        if (name is null) return ApiProblem.NotFound(ErrorCodes.UserNotFound, "User");

        var (outcome, e) = await ChannelMembership.AddAsync(conn, tx, channel.WorkspaceId, channelId, targetId, name, userId, ct);
        if (outcome == ChannelMembership.Outcome.Refused)
        {
            // The caller's standing, the person's membership or the channel changed since the check.
            await tx.RollbackAsync(ct);
            return ApiProblem.Conflict(ErrorCodes.NotChannelMember, "Could not add them: your membership, theirs or the channel changed; reload and try again.");
        }
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        return TypedResults.NoContent();
    }
}
