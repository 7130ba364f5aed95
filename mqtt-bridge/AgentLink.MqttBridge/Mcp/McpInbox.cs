using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Options;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// An agent's inbox as MCP sees it: the same agent_outbox rows the MQTT dispatcher publishes.
/// MCP has no per-message acknowledgement, so a row handed to an MCP session (pushed as a
/// notification or returned by read_inbox) is offered: hidden from MQTT until the agent
/// acknowledges it (then delivered) or the offer lapses (then owed again, to either transport).
/// Offering takes the stream's advisory lock, the one the dispatcher flushes under, so a row is
/// never on its way over MQTT and MCP at once.
/// </summary>
public sealed class McpInbox(NpgsqlDataSource dataSource, IOptions<McpOptions> options)
{
    public sealed record Row(long Id, string Payload);

    private const string LockSql = "select pg_advisory_xact_lock(hashtextextended(@streamId::text, 7))";

    private const string AckSql = """
        update agent_outbox set delivered_at = now(), offered_until = null
        where stream_id = @agentUserId and agent_user_id = @agentUserId and target = 'inbox' and delivered_at is null and id <= @upTo
        returning id, payload::text as payload
        """;

    // Everything not yet delivered: rows already offered to this agent's MCP sessions are offered again
    // (the agent had them but did not acknowledge them yet).
    private const string UndeliveredSql = """
        select id, payload::text as payload from agent_outbox
        where stream_id = @agentUserId and agent_user_id = @agentUserId and target = 'inbox' and delivered_at is null
        order by id limit @limit
        """;

    private const string OfferSql = "update agent_outbox set offered_until = now() + make_interval(secs => @seconds) where id = any(@ids)";

    /// <summary>Marks rows offered, in the caller's transaction (the dispatcher's, under its stream lock).</summary>
    public Task OfferAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(OfferSql, new { ids, seconds = (double)options.Value.OfferSeconds }, ct, tx));

    /// <summary>Acknowledges every delivery up to and including <paramref name="upTo"/>; returns those that were still open.</summary>
    public async Task<IReadOnlyList<Row>> AckAsync(AgentIdentity agent, long upTo, CancellationToken ct) =>
        (await ReadAsync(agent, upTo, 0, ct)).Acknowledged;

    public sealed record Read(IReadOnlyList<Row> Acknowledged, IReadOnlyList<Row> Offered);

    /// <summary>Acknowledges up to <paramref name="ack"/> (when given), then offers the next undelivered rows, oldest first (none for limit 0).</summary>
    public async Task<Read> ReadAsync(AgentIdentity agent, long? ack, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(Cmd.For(LockSql, new { streamId = agent.UserId }, ct, tx));
        IReadOnlyList<Row> acked = ack is { } upTo ? (await conn.QueryAsync<Row>(Cmd.For(AckSql, new { agentUserId = agent.UserId, upTo }, ct, tx))).ToList() : [];
        var rows = limit == 0 ? [] : (await conn.QueryAsync<Row>(Cmd.For(UndeliveredSql, new { agentUserId = agent.UserId, limit }, ct, tx))).ToList();
        if (rows.Count > 0) await OfferAsync(conn, tx, rows.Select(r => r.Id).ToArray(), ct);
        await tx.CommitAsync(ct);
        return new Read(acked, rows);
    }

    /// <summary>What is waiting, without offering it (the inbox resource: reading a resource changes nothing).</summary>
    public async Task<IReadOnlyList<Row>> PeekAsync(AgentIdentity agent, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Row>(Cmd.For(UndeliveredSql, new { agentUserId = agent.UserId, limit }, ct))).ToList();
    }

    /// <summary>Deliveries as MCP shows them: the outbox row id (what the agent acknowledges) and the envelope, as MQTT would carry it.</summary>
    public static JsonArray ToJson(IEnumerable<Row> rows) =>
        new(rows.Select(r => (JsonNode)new JsonObject { ["deliveryId"] = r.Id, ["envelope"] = JsonNode.Parse(r.Payload) }).ToArray());
}
