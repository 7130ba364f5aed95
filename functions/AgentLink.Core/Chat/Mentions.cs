using AgentLink.Core.Data;
using System.Data;
using System.Text.RegularExpressions;
using Dapper;

namespace AgentLink.Core.Chat;

/// <summary>
/// A mention is written "&lt;@userId&gt;" in the text (the web page turns a picked
/// name into one); only members of the message's workspace count. Shared by people
/// posting over HTTP and agents posting over MQTT.
/// </summary>
public static partial class Mentions
{
    [GeneratedRegex(@"<@([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})>")]
    private static partial Regex Token();

    private const string MembersSql = "select user_id from memberships where workspace_id = @workspaceId and user_id = any(@ids)";

    private const string ReplaceSql = """
        delete from message_mentions where message_id = @messageId;
        insert into message_mentions (message_id, workspace_id, user_id) select @messageId, @workspaceId, unnest(@ids);
        """;

    public static Guid[] Parse(string text) =>
        Token().Matches(text).Select(m => Guid.Parse(m.Groups[1].Value)).Distinct().ToArray();

    public static Task<Guid[]> ResolveAsync(IDbConnection conn, Guid workspaceId, string text, CancellationToken ct, IDbTransaction? tx = null) =>
        MembersAsync(conn, workspaceId, Parse(text), ct, tx);

    /// <summary>The parsed ids that are members of the workspace.</summary>
    public static async Task<Guid[]> MembersAsync(IDbConnection conn, Guid workspaceId, Guid[] ids, CancellationToken ct, IDbTransaction? tx = null)
    {
        if (ids.Length == 0) return [];
        return (await conn.QueryAsync<Guid>(Cmd.For(MembersSql, new { workspaceId, ids }, ct, tx))).ToArray();
    }

    public static Task SaveAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid messageId, Guid[] ids, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(ReplaceSql, new { messageId, workspaceId, ids }, ct, tx));
}
