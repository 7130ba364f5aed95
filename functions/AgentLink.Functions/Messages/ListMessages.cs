using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public sealed class ListMessages(NpgsqlDataSource dataSource, IOptions<ChatLimits> limits)
{
    public const int DefaultLimit = 50;

    /// <summary>Newest first. Pass NextBefore back as ?before= for the next (older) page.</summary>
    public sealed record Page(IReadOnlyList<MessageView> Items, bool HasMore, long? NextBefore);

    /// <summary>A channel's history, newest first: top-level messages (replies come through /messages/{id}/thread), paged by seq.</summary>
    [Function(nameof(ListMessages))]
    [Caller(Caller.Person), Query("before", typeof(long?), "Only messages with a lower seq (the nextBefore of the previous page)."), Query("limit", typeof(int?), "Page size, 1 to AgentLink:Limits:MaxPageSize (default 50).")]
    public async Task<Results<Ok<Page>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/channels/{channelId:guid}/messages")] HttpRequest req, Guid channelId)
    {
        var before = req.QueryLong("before");
        var limit = req.QueryInt("limit");
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var take = limit ?? DefaultLimit;
        var check = new Validate()
            .Check(take >= 1 && take <= limits.Value.MaxPageSize, "limit", $"Between 1 and {limits.Value.MaxPageSize}.")
            .Check(before is null or > 0, "before", "A positive sequence number.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, user.UserId(), ct) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");

        var rows = await MessageQueries.QueryAsync(conn, "where m.channel_id = @channelId and m.parent_id is null and m.seq < @before order by m.seq desc limit @take", new { channelId, before = before ?? long.MaxValue, take = take + 1 }, ct);
        var hasMore = rows.Count > take;
        var items = hasMore ? rows.Take(take).ToList() : rows;
        return TypedResults.Ok(new Page(items, hasMore, hasMore ? items[^1].Seq : null));
    }
}
