using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

public sealed class SendTyping(NpgsqlDataSource dataSource, IEventBus bus)
{
    /// <summary>Says the caller is typing: an ephemeral signal, straight to the bus, never stored or replayed. Send it at most every few seconds.</summary>
    [Function(nameof(SendTyping))]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.Typing)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/typing")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (PostMessage.WriteProblem(channel) is { } problem) return problem;

        var e = new WorkspaceEvent(channel.WorkspaceId, null, EventTypes.Typing, channelId, null,
            WorkspaceEvent.ToData(new { channelId, userId, name = user.DisplayName() }));
        await bus.PublishAsync(BusTopics.WorkspaceEvents(channel.WorkspaceId), e.ToJson(), ct);
        return TypedResults.NoContent();
    }
}
