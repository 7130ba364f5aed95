using AgentLink.Core.Memories;

namespace AgentLink.Functions.Memories;

/// <summary>Listing memories, and the query parameters the memory routes share.</summary>
public static class MemoryQuery
{
    private static readonly string ListSql = $"""
        select {MemoryStore.Columns} from agent_memories
        where agent_user_id = @agentUserId and (@pinned::boolean is null or pinned = @pinned) and (@topic::text is null or topic = @topic)
          and (@source::text is null or source = @source)
        order by pinned desc, updated_at desc
        limit 200
        """;

    public static async Task<IReadOnlyList<MemoryView>> ListAsync(NpgsqlConnection conn, Guid agentUserId, bool? pinned, string? topic, string? source, CancellationToken ct) =>
        (await conn.QueryAsync<MemoryView>(Cmd.For(ListSql, new { agentUserId, pinned, topic, source }, ct))).ToList();

    public static bool? Pinned(HttpRequest req) => bool.TryParse(req.Query["pinned"], out var p) ? p : null;

    public static bool TryLimit(HttpRequest req, out int limit)
    {
        limit = 10;
        var text = req.Query["limit"].ToString();
        return text.Length == 0 || (int.TryParse(text, out limit) && limit is >= 1 and <= 50);
    }
}
