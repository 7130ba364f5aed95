using System.Data;
using System.Text.RegularExpressions;

namespace AgentLink.Core.Chat;

/// <summary>Full-text search over the messages a caller may read: people over HTTP, agents over MCP.</summary>
public static partial class MessageSearch
{
    public enum Readable
    {
        /// <summary>A person: the workspace's public channels, plus private channels and DMs they are in.</summary>
        PublicAndMember,

        /// <summary>An agent: only channels and DMs it is a member of (what its MQTT subscriptions may reach).</summary>
        MemberOnly,
    }

    // The last word typed is a prefix ("retr" finds "retro"), as people search while they type;
    // the rest is web-search syntax. An empty side of && leaves the other.
    private const string Where = """
        join channels c on c.id = m.channel_id
        left join channel_members cm on cm.channel_id = c.id and cm.user_id = @userId
        cross join lateral (select websearch_to_tsquery('english', @head)
                                   && coalesce(to_tsquery('english', @prefix), ''::tsquery) as query) s
        where m.workspace_id = @workspaceId and m.deleted_at is null
          and m.search @@ s.query
          and ((not @memberOnly and c.type = 'channel' and not c.is_private) or cm.user_id is not null)
        order by ts_rank(m.search, s.query) desc, m.seq desc
        limit @limit
        """;

    public static Task<IReadOnlyList<MessageView>> FindAsync(IDbConnection conn, Guid workspaceId, Guid userId, string q, int limit, Readable readable, CancellationToken ct)
    {
        var (head, prefix) = SplitPrefix(q);
        return MessageQueries.QueryAsync(conn, Where, new { workspaceId, userId, head, prefix, limit, memberOnly = readable == Readable.MemberOnly }, ct);
    }

    /// <summary>Splits off the last word when it is a plain word (not quoted, not excluded) still being typed.</summary>
    public static (string Head, string? Prefix) SplitPrefix(string q)
    {
        var match = LastWord().Match(q);
        if (!match.Success || q.Count(ch => ch == '"') % 2 == 1) return (q, null);
        return (q[..match.Index], match.Groups["word"].Value + ":*");
    }

    [GeneratedRegex(@"(?:^|\s)(?<word>[\p{L}\p{N}]+)$")]
    private static partial Regex LastWord();
}
