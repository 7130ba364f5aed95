using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

public static class SendTyping
{
    /// <summary>An ephemeral signal: straight to the bus, never stored or replayed. Clients send it at most every few seconds.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid channelId, ClaimsPrincipal user, NpgsqlDataSource dataSource, IEventBus bus, CancellationToken ct)
    {
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId);
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (PostMessage.WriteProblem(channel) is { } problem) return problem;

        var e = new WorkspaceEvent(channel.WorkspaceId, null, EventTypes.Typing, channelId, null,
            WorkspaceEvent.ToData(new { channelId, userId, name = user.DisplayName() }));
        await bus.PublishAsync(BusTopics.WorkspaceEvents(channel.WorkspaceId), e.ToJson(), ct);
        return TypedResults.NoContent();
    }
}
