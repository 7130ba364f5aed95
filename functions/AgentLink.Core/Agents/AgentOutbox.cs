using AgentLink.Core.Data;
using System.Data;
using AgentLink.Core.Chat;
using AgentLink.Core.Events;
using Dapper;

namespace AgentLink.Core.Agents;

/// <summary>
/// Writes what agents are owed into agent_outbox, inside the caller's transaction,
/// and after commit tells the bridge which streams have something new. The signal
/// is only the fast path: the bridge also sweeps the table, so a lost signal delays
/// a delivery by one sweep, never loses it.
/// </summary>
public static class AgentOutbox
{
    private const string InboxSql = """
        insert into agent_outbox (message_id, workspace_id, target, agent_user_id, stream_id, payload)
        select id, @workspaceId, 'inbox', agent, agent, payload::jsonb
        from unnest(@ids, @agents, @payloads) as x(id, agent, payload)
        """;

    private const string ChannelSql = """
        insert into agent_outbox (message_id, workspace_id, target, channel_id, author_id, stream_id, payload)
        values (@id, @workspaceId, 'channel', @channelId, @authorId, @channelId, @payload::jsonb)
        """;

    /// <summary>Queues a new message for its agent recipients; returns the streams written (for the signal).</summary>
    public static async Task<IReadOnlyList<Guid>> EnqueuePostAsync(IDbConnection conn, IDbTransaction tx, AgentFanout fanout, MessageView message, CancellationToken ct)
    {
        if (fanout.IsEmpty) return [];
        var streams = new List<Guid>();
        if (fanout.Inbox.Count > 0)
        {
            var envelopes = fanout.Inbox
                .Select(r => AgentEnvelope.Create(message.WorkspaceId, InboxTypes.Message, new { reason = r.Reason, message }))
                .ToList();
            await conn.ExecuteAsync(Cmd.For(InboxSql, new
            {
                workspaceId = message.WorkspaceId,
                ids = envelopes.Select(e => e.Id).ToArray(),
                agents = fanout.Inbox.Select(r => r.UserId).ToArray(),
                payloads = envelopes.Select(e => e.ToJson()).ToArray(),
            }, ct, tx));
            streams.AddRange(fanout.Inbox.Select(r => r.UserId));
        }
        if (fanout.ChannelFeed)
        {
            var envelope = AgentEnvelope.Create(message.WorkspaceId, InboxTypes.ChannelMessage, new { message });
            await conn.ExecuteAsync(Cmd.For(ChannelSql, new
            {
                id = envelope.Id, workspaceId = message.WorkspaceId, channelId = message.ChannelId, authorId = message.Author.Id, payload = envelope.ToJson(),
            }, ct, tx));
            streams.Add(message.ChannelId);
        }
        return streams;
    }

    private const string EnvelopeSql = """
        insert into agent_outbox (message_id, workspace_id, target, agent_user_id, stream_id, payload)
        values (@id, @workspaceId, 'inbox', @agentId, @agentId, @payload::jsonb)
        """;

    /// <summary>Queues one envelope (a task, a skill) for an agent's inbox, in the caller's transaction; the agent's stream is its user id.</summary>
    public static Task EnqueueAsync(IDbConnection conn, IDbTransaction tx, Guid agentId, AgentEnvelope envelope, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For(EnvelopeSql, new { id = envelope.Id, workspaceId = envelope.WorkspaceId, agentId, payload = envelope.ToJson() }, ct, tx));

    /// <summary>Tells every bridge instance that these streams have new rows. Never throws: the sweep is the backstop.</summary>
    public static async Task SignalAsync(IEventBus bus, IReadOnlyCollection<Guid> streams)
    {
        if (streams.Count == 0) return;
        try { await bus.PublishAsync(BusTopics.AgentOutbox, string.Join(',', streams.Distinct())); }
        catch (Exception) { /* The bridge's sweep finds the rows. */ }
    }
}
