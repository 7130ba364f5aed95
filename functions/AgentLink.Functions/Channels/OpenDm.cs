using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class OpenDm(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(Guid? UserId);

    /// <summary>Finds the one DM between the caller and another member (200), or creates it (201).</summary>
    [Function(nameof(OpenDm))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request))]
    public async Task<Results<Ok<ChannelView>, Created<ChannelView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/dms")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        if (body.UserId is not { } peerId) return ApiProblem.Invalid("userId", "Required.");
        var userId = user.UserId();
        if (peerId == userId) return ApiProblem.BadRequest(ErrorCodes.CannotDmSelf, "A DM needs another member.");

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await DirectMessages.OpenAsync(conn, workspaceId, userId, peerId, ct) is not { } dm) return ApiProblem.NotFound(ErrorCodes.UserNotFound, "User");
        var view = (await ChannelQueries.GetAsync(conn, dm.ChannelId, userId, ct))!;
        if (!dm.Created) return TypedResults.Ok(view);
        await events.PublishAsync(dm.Event!, ct);
        return TypedResults.Created($"/api/v1/channels/{dm.ChannelId}", view);
    }
}
