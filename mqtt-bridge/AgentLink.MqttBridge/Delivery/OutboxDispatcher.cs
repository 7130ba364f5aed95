using AgentLink.Core.Data;
using System.Collections.Concurrent;
using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.MqttBridge.Broker;
using AgentLink.MqttBridge.Mcp;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Delivery;

/// <summary>
/// Publishes agent_outbox rows, per stream (an agent's inbox, a channel's topic), in id order,
/// and marks them delivered. Woken by the outbox signal on the bus (sent after each commit that
/// owes agents something, and again by the SweepAgentOutbox timer function as a backstop, since
/// the signal is at-most-once) and by an agent subscribing to its inbox. One flush per stream at
/// a time: in this process by a per-stream flag, across bridge instances by a PostgreSQL
/// advisory lock held for the flush. Delivery is at least once; agents de-duplicate by id. An agent's
/// inbox goes over MQTT when it is connected and listening, else to its MCP sessions on this instance
/// (see McpInbox), else it waits.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource, IAgentTransport transport, AgentTopics topics, IEventBus bus, McpSessions mcp, McpInbox mcpInbox,
    ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    public const int Batch = 200;

    private sealed record Row(long Id, Guid MessageId, string Target, string Payload, Guid WorkspaceId, Guid? ChannelId, Guid? AuthorId,
        Guid? AgentUserId, string? AgentId);

    private const string PendingSql = """
        select o.id, o.message_id, o.target, o.payload::text as payload, o.workspace_id, o.channel_id, o.author_id,
               o.agent_user_id, ra.agent_id
        from agent_outbox o left join remote_agents ra on ra.user_id = o.agent_user_id
        where o.stream_id = @streamId and o.delivered_at is null and (o.offered_until is null or o.offered_until < now())
        order by o.id
        limit @Batch
        """;

    private const string LockSql = "select pg_try_advisory_xact_lock(hashtextextended(@streamId::text, 7))";

    private const string DeliveredSql = "update agent_outbox set delivered_at = now() where id = any(@ids)";

    private sealed class StreamState
    {
        public int Running;
        public int Again;
    }

    private readonly ConcurrentDictionary<Guid, StreamState> _streams = new();
    private CancellationToken _stopping;

    /// <summary>Asks for a flush of the stream; cheap and safe to call any number of times.</summary>
    public void Kick(Guid streamId)
    {
        var state = _streams.GetOrAdd(streamId, _ => new StreamState());
        Volatile.Write(ref state.Again, 1);
        if (Interlocked.CompareExchange(ref state.Running, 1, 0) == 0) _ = Task.Run(() => RunAsync(streamId, state));
    }

    private async Task RunAsync(Guid streamId, StreamState state)
    {
        try
        {
            while (Interlocked.Exchange(ref state.Again, 0) == 1 && !_stopping.IsCancellationRequested)
                await FlushAsync(streamId, _stopping);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Delivering outbox stream {StreamId} failed; the sweep retries it", streamId);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref state.Running, 0);
            // A kick that arrived after the last check but before we stopped running.
            if (Volatile.Read(ref state.Again) == 1 && !_stopping.IsCancellationRequested) Kick(streamId);
        }
    }

    private async Task FlushAsync(Guid streamId, CancellationToken ct)
    {
        while (true)
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            // Another instance is flushing this stream; it keeps going until the stream is empty.
            if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(LockSql, new { streamId }, ct, tx))) return;
            var rows = (await conn.QueryAsync<Row>(Cmd.For(PendingSql, new { streamId, Batch }, ct, tx))).ToList();
            if (rows.Count == 0) return;

            if (rows[0].Target == "inbox" && !await transport.CanDeliverToAsync(rows[0].AgentUserId!.Value, ct))
            {
                // Not on MQTT here: an MCP session on this instance takes the rows as offers (acknowledged later),
                // or they wait for the agent, in the table.
                var agentUserId = rows[0].AgentUserId!.Value;
                if (!mcp.HasSession(agentUserId)) return;
                await mcpInbox.OfferAsync(conn, tx, rows.Select(r => r.Id).ToArray(), ct);
                await tx.CommitAsync(ct);
                await mcp.PushAsync(agentUserId, rows.Select(r => new McpInbox.Row(r.Id, r.Payload)).ToList(), ct);
                if (rows.Count < Batch) return;
                continue;
            }
            var delivered = rows[0].Target == "inbox" ? await SendInboxAsync(rows, ct) : await PublishChannelAsync(rows, ct);
            if (delivered.Count > 0) await conn.ExecuteAsync(Cmd.For(DeliveredSql, new { ids = delivered.ToArray() }, ct, tx));
            await tx.CommitAsync(ct);
            if (delivered.Count < rows.Count || rows.Count < Batch) return;
        }
    }

    /// <summary>Sends in order, pipelined; what is acknowledged up to the first failure counts as delivered.</summary>
    private async Task<List<long>> SendInboxAsync(List<Row> rows, CancellationToken ct)
    {
        var delivered = new List<long>();
        var agentUserId = rows[0].AgentUserId!.Value;
        var sends = new List<(Row Row, Task<bool> Acked)>(rows.Count);
        foreach (var row in rows)
            sends.Add((row, await transport.SendToAgentAsync(agentUserId, topics.Inbox(row.WorkspaceId, row.AgentId!), row.MessageId, row.Payload, ct)));
        foreach (var (row, acked) in sends)
        {
            if (!await acked) break;
            delivered.Add(row.Id);
        }
        return delivered;
    }

    private async Task<List<long>> PublishChannelAsync(List<Row> rows, CancellationToken ct)
    {
        var delivered = new List<long>();
        foreach (var row in rows)
        {
            if (!await transport.PublishAsync(topics.Channel(row.WorkspaceId, row.ChannelId!.Value), row.Payload, row.AuthorId, ct)) break;
            delivered.Add(row.Id);
        }
        return delivered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await using var signals = await bus.SubscribeAsync(BusTopics.AgentOutbox, message =>
        {
            foreach (var part in message.Split(','))
                if (Guid.TryParse(part, out var streamId)) Kick(streamId);
            return Task.CompletedTask;
        }, stoppingToken);
        await using var revocations = await bus.SubscribeAsync(BusTopics.AgentRevoked, async message =>
        {
            if (Guid.TryParse(message, out var agentUserId)) await transport.DisconnectAgentAsync(agentUserId);
        }, stoppingToken);

        try { await Task.Delay(Timeout.Infinite, stoppingToken); }
        catch (OperationCanceledException) { }
    }
}
