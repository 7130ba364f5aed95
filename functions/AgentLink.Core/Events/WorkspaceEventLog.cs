using AgentLink.Core.Data;
using System.Data;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Events;

/// <summary>
/// Writes durable events inside the caller's transaction. Sequence numbers come
/// from the workspace row, whose lock is held to commit: allocate last, just
/// before the inserts, to keep that window short.
/// </summary>
public static class WorkspaceEventLog
{
    private const string AllocateSql = "update workspaces set last_seq = last_seq + @count where id = @workspaceId returning last_seq";

    private const string InsertSql = """
        insert into workspace_events (workspace_id, seq, type, channel_id, user_id, payload)
        values (@WorkspaceId, @Seq, @Type, @ChannelId, @UserId, @Payload::jsonb)
        """;

    private const string ReadSql = """
        select e.seq, e.type, e.channel_id, e.user_id, e.payload::text as payload
        from workspace_events e
        where e.workspace_id = @workspaceId and e.seq > @after and e.seq < @before
          and (e.user_id = @userId
               or (e.user_id is null and (e.channel_id is null
                   or exists (select 1 from channel_members m where m.channel_id = e.channel_id and m.user_id = @userId))))
        order by e.seq
        limit @limit
        """;

    /// <summary>Reserves <paramref name="count"/> consecutive numbers; returns the first.</summary>
    public static async Task<long> AllocateAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, CancellationToken ct, int count = 1)
    {
        var last = await conn.ExecuteScalarAsync<long>(Cmd.For(AllocateSql, new { workspaceId, count }, ct, tx));
        return last - count + 1;
    }

    public static async Task<WorkspaceEvent> AppendAsync(
        IDbConnection conn, IDbTransaction tx, Guid workspaceId, long seq, string type, Guid? channelId, Guid? userId, object data, CancellationToken ct)
    {
        var e = new WorkspaceEvent(workspaceId, seq, type, channelId, userId, WorkspaceEvent.ToData(data));
        await conn.ExecuteAsync(Cmd.For(InsertSql, new { WorkspaceId = workspaceId, Seq = seq, Type = type, ChannelId = channelId, UserId = userId, Payload = e.Data.GetRawText() }, ct, tx));
        return e;
    }

    /// <summary>The events a user may see with after &lt; seq &lt; before, in order (replay and gap fill).</summary>
    public static async Task<IReadOnlyList<WorkspaceEvent>> ReadVisibleAsync(
        NpgsqlDataSource dataSource, Guid workspaceId, Guid userId, long after, long before, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Seq, string Type, Guid? ChannelId, Guid? UserId, string Payload)>(
            new CommandDefinition(ReadSql, new { workspaceId, userId, after, before, limit }, cancellationToken: ct));
        return rows.Select(r => new WorkspaceEvent(workspaceId, r.Seq, r.Type, r.ChannelId, r.UserId,
            System.Text.Json.JsonDocument.Parse(r.Payload).RootElement.Clone())).ToList();
    }

    public static async Task<long> CurrentSeqAsync(NpgsqlDataSource dataSource, Guid workspaceId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(
            new CommandDefinition("select last_seq from workspaces where id = @workspaceId", new { workspaceId }, cancellationToken: ct));
    }
}
