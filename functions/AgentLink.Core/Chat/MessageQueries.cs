using System.Data;
using System.Text.Json;
using AgentLink.Core.Data;
using AgentLink.Core.Files;
using Dapper;

namespace AgentLink.Core.Chat;

public static class MessageQueries
{
    /// <summary>Callers append WHERE/ORDER clauses on alias m.</summary>
    public static readonly string Select = $$"""
        select m.id, m.workspace_id, m.channel_id, m.seq, m.parent_id, m.author_id, u.name as author_name, u.kind as author_kind,
               case when m.deleted_at is null then m.text else '' end as text,
               coalesce((select array_agg(mm.user_id) from message_mentions mm where mm.message_id = m.id), '{}'::uuid[]) as mentions,
               coalesce((select json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'userIds', r.users) order by r.first)::text
                         from (select emoji, count(*)::int as n, array_agg(user_id order by created_at) as users, min(created_at) as first
                               from message_reactions where message_id = m.id group by emoji) r), '[]') as reactions,
               m.reply_count, m.last_reply_at, m.created_at, m.edited_at, m.deleted_at,
               {{AttachmentRows.MessageColumn}} as attachments
        from channel_messages m join users u on u.id = m.author_id
        """;

    // A property class rather than a positional record: Dapper reads array columns as System.Array,
    // which only its property mapping converts.
    private sealed class Row
    {
        public Guid Id { get; set; }
        public Guid WorkspaceId { get; set; }
        public Guid ChannelId { get; set; }
        public long Seq { get; set; }
        public Guid? ParentId { get; set; }
        public Guid AuthorId { get; set; }
        public string AuthorName { get; set; } = "";
        public string AuthorKind { get; set; } = "";
        public string Text { get; set; } = "";
        public Guid[] Mentions { get; set; } = [];
        public string Reactions { get; set; } = "[]";
        public int ReplyCount { get; set; }
        public DateTime? LastReplyAt { get; set; }
        public DateTime CreatedAt { get; set; }
        public DateTime? EditedAt { get; set; }
        public DateTime? DeletedAt { get; set; }
        public string Attachments { get; set; } = "[]";

        public MessageView ToView() => new(Id, WorkspaceId, ChannelId, Seq, ParentId, new AuthorView(AuthorId, AuthorName, AuthorKind),
            Text, Mentions, ParseReactions(Reactions), ReplyCount, LastReplyAt, CreatedAt, EditedAt, DeletedAt, AttachmentRows.Parse(Attachments));
    }

    public static ReactionView[] ParseReactions(string json) =>
        JsonSerializer.Deserialize<ReactionView[]>(json, JsonSerializerOptions.Web) ?? [];

    public static async Task<IReadOnlyList<MessageView>> QueryAsync(IDbConnection conn, string where, object args, CancellationToken ct, IDbTransaction? tx = null) =>
        (await conn.QueryAsync<Row>(Cmd.For(Select + " " + where, args, ct, tx))).Select(r => r.ToView()).ToList();

    public static async Task<MessageView> GetAsync(IDbConnection conn, Guid messageId, CancellationToken ct, IDbTransaction? tx = null) =>
        (await QueryAsync(conn, "where m.id = @messageId", new { messageId }, ct, tx)).Single();

    private const string ReactionsSql = """
        select coalesce(json_agg(json_build_object('emoji', r.emoji, 'count', r.n, 'userIds', r.users) order by r.first)::text, '[]')
        from (select emoji, count(*)::int as n, array_agg(user_id order by created_at) as users, min(created_at) as first
              from message_reactions where message_id = @messageId group by emoji) r
        """;

    public static async Task<ReactionView[]> ReactionsAsync(IDbConnection conn, Guid messageId, CancellationToken ct, IDbTransaction? tx = null) =>
        ParseReactions(await conn.QuerySingleAsync<string>(Cmd.For(ReactionsSql, new { messageId }, ct, tx)));
}
