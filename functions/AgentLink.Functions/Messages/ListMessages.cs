using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Messages;

public static class ListMessages
{
    public const int DefaultLimit = 50;

    /// <summary>Newest first. Pass NextBefore back as ?before= for the next (older) page.</summary>
    public sealed record Page(IReadOnlyList<MessageView> Items, bool HasMore, long? NextBefore);

    /// <summary>Top-level messages of a channel (replies come through /messages/{id}/thread), keyset-paginated by seq.</summary>
    public static async Task<Results<Ok<Page>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid channelId, long? before, int? limit, ClaimsPrincipal user, NpgsqlDataSource dataSource, IOptions<ChatLimits> limits, CancellationToken ct)
    {
        var take = limit ?? DefaultLimit;
        var check = new Validate()
            .Check(take >= 1 && take <= limits.Value.MaxPageSize, "limit", $"Between 1 and {limits.Value.MaxPageSize}.")
            .Check(before is null or > 0, "before", "A positive sequence number.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await WorkspaceAccess.ChannelAsync(conn, channelId, user.UserId()) is null)
            return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");

        var rows = await MessageQueries.QueryAsync(conn,
            "where m.channel_id = @channelId and m.parent_id is null and m.seq < @before order by m.seq desc limit @take",
            new { channelId, before = before ?? long.MaxValue, take = take + 1 });
        var hasMore = rows.Count > take;
        var items = hasMore ? rows.Take(take).ToList() : rows;
        return TypedResults.Ok(new Page(items, hasMore, hasMore ? items[^1].Seq : null));
    }
}
