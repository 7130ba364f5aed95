using AgentLink.Core.Data;
using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using AgentLink.MqttBridge.Inbound;
using AgentLink.MqttBridge.Presence;
using Dapper;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Npgsql;

namespace AgentLink.MqttBridge.Broker;

/// <summary>
/// The bridge as a client of an external broker (Mosquitto, EMQX, Azure Event Grid). The broker
/// authenticates agents and enforces topics (through the functions host's auth hooks). The
/// bridge holds a persistent session (clean start off), subscribes to every agent's outbox and
/// status at QoS 1 (through $share/{group}/ when several bridges split the load), and
/// acknowledges each message only after it is committed: if the bridge dies, the broker
/// redelivers whatever was not acknowledged, and the message ids make that harmless.
/// </summary>
public sealed class ExternalBrokerClient(
    IOptions<MqttOptions> options, AgentTopics topics, NpgsqlDataSource dataSource, IServiceProvider services, ILogger<ExternalBrokerClient> logger)
    : BackgroundService, IAgentTransport
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private const int MaxBatch = 256;

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    // Between receiving and persisting: bounded, so a slow database slows the broker down instead of filling memory.
    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _received =
        Channel.CreateBounded<MqttApplicationMessageReceivedEventArgs>(new BoundedChannelOptions(2_000) { SingleReader = true });
    private readonly ConcurrentDictionary<(Guid WorkspaceId, string AgentId), (AgentIdentity? Agent, DateTime Until)> _agents = new();
    private readonly SemaphoreSlim _publishLock = new(1, 1);

    private AgentMessageHandler Handler => services.GetRequiredService<AgentMessageHandler>();
    private AgentPresence Presence => services.GetRequiredService<AgentPresence>();

    private const string AgentSql = """
        select ra.user_id, ra.workspace_id, ra.agent_id, u.name
        from remote_agents ra join users u on u.id = ra.user_id
        where ra.workspace_id = @workspaceId and ra.agent_id = @agentId
        """;

    public bool IsReady => _client.IsConnected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _client.ApplicationMessageReceivedAsync += async e =>
        {
            e.AutoAcknowledge = false;
            await _received.Writer.WriteAsync(e, stoppingToken);
        };
        var consumer = Task.Run(() => ConsumeAsync(stoppingToken), stoppingToken);
        // The supervisor: connect, subscribe, and reconnect whenever the connection drops.
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await ConnectAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Cannot reach the MQTT broker at {Host}:{Port} ({Message}); retrying",
                        options.Value.ExternalHost, options.Value.ExternalPort, ex.Message);
                }
            }
            try { await Task.Delay(ReconnectDelay, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        _received.Writer.TryComplete();
        try { await consumer; } catch (OperationCanceledException) { }
        if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var o = options.Value;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(o.ExternalHost, o.ExternalPort)
            .WithClientId(o.BridgeClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (!string.IsNullOrEmpty(o.BridgeUsername) && !string.IsNullOrEmpty(o.BridgePassword)) builder.WithCredentials(o.BridgeUsername, o.BridgePassword);
        var result = await _client.ConnectAsync(builder.Build(), ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the bridge: {result.ResultCode} {result.ReasonString}");

        var share = string.IsNullOrWhiteSpace(o.SharedSubscriptionGroup) ? "" : $"$share/{o.SharedSubscriptionGroup}/";
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(share + topics.AllOutboxes, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(share + topics.AllStatuses, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var granted = await _client.SubscribeAsync(subscribe, ct);
        if (granted.Items.Any(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            throw new InvalidOperationException("the broker refused the bridge's subscriptions: " + string.Join(", ", granted.Items.Select(i => i.ResultCode)));
        logger.LogInformation("Bridge connected to the MQTT broker at {Host}:{Port} (session present: {Present})", o.ExternalHost, o.ExternalPort, result.IsSessionPresent);
    }

    /// <summary>
    /// Takes what has arrived in batches: each agent's messages in order, different agents in
    /// parallel (their writes group-commit per workspace), then acknowledges in arrival order.
    /// </summary>
    private async Task ConsumeAsync(CancellationToken ct)
    {
        var batch = new List<MqttApplicationMessageReceivedEventArgs>(MaxBatch);
        while (await _received.Reader.WaitToReadAsync(ct))
        {
            while (batch.Count < MaxBatch && _received.Reader.TryRead(out var e)) batch.Add(e);
            var processed = await Task.WhenAll(batch.GroupBy(e => e.ApplicationMessage.Topic).Select(ProcessInOrderAsync));
            var failed = processed.SelectMany(x => x).ToHashSet();
            if (failed.Count > 0)
            {
                // MQTT redelivers an unacknowledged message only on a new connection: reconnect to get it again.
                logger.LogWarning("{Count} agent messages could not be persisted; reconnecting so the broker redelivers them", failed.Count);
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
            }
            else
            {
                foreach (var e in batch) await AcknowledgeAsync(e, ct);
            }
            batch.Clear();
        }
    }

    /// <summary>Processes one topic's messages in order; returns those that failed transiently (stop at the first).</summary>
    private async Task<List<MqttApplicationMessageReceivedEventArgs>> ProcessInOrderAsync(IEnumerable<MqttApplicationMessageReceivedEventArgs> messages)
    {
        var list = messages.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            try
            {
                await ProcessAsync(list[i].ApplicationMessage);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Processing a message on {Topic} failed", list[i].ApplicationMessage.Topic);
                return list.GetRange(i, list.Count - i);
            }
        }
        return [];
    }

    private async Task ProcessAsync(MqttApplicationMessage message)
    {
        // A retained status is an old report replayed on subscribe, not news.
        if (message.Retain) return;
        var parsed = topics.Parse(message.Topic);
        if (parsed is null || parsed.Kind is not (TopicKind.Outbox or TopicKind.Status)) return;
        if (await AgentAsync(parsed.WorkspaceId, parsed.AgentId!, CancellationToken.None) is not { } agent) return;
        var payload = message.Payload.ToArray();
        if (parsed.Kind == TopicKind.Status)
        {
            if (AgentPresence.ReadState(payload) is { } state) await Presence.SetAsync(agent, state);
            else await Handler.TellAsync(agent, InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed,
                "A status is {\"state\": \"online\"|\"busy\"|\"away\"|\"offline\"}."), CancellationToken.None);
            return;
        }
        await Handler.HandleAsync(agent, payload, CancellationToken.None, EmbeddedBroker.TraceParentOf(message));
    }

    private async Task AcknowledgeAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken ct)
    {
        try { await e.AcknowledgeAsync(ct); }
        catch (Exception ex) { logger.LogDebug(ex, "Acknowledging failed (the connection dropped); the broker will redeliver"); }
    }

    /// <summary>The agent behind a topic, cached briefly (the broker already checked who may publish there).</summary>
    private async Task<AgentIdentity?> AgentAsync(Guid workspaceId, string agentId, CancellationToken ct)
    {
        var key = (workspaceId, agentId);
        if (_agents.TryGetValue(key, out var cached) && cached.Until > DateTime.UtcNow) return cached.Agent;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var agent = await conn.QuerySingleOrDefaultAsync<AgentIdentity>(Cmd.For(AgentSql, new { workspaceId, agentId }, ct));
        _agents[key] = (agent, DateTime.UtcNow.AddSeconds(30));
        return agent;
    }

    private const string OnlineSql = "select status <> 'offline' from remote_agents where user_id = @agentUserId";

    /// <summary>Offline agents are not sent to: their persistent session might not exist, and the backlog waits in the database.</summary>
    public async Task<bool> CanDeliverToAsync(Guid agentUserId, CancellationToken ct)
    {
        if (!_client.IsConnected) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<bool>(Cmd.For(OnlineSql, new { agentUserId }, ct));
    }

    public async Task<Task<bool>> SendToAgentAsync(Guid agentUserId, string topic, Guid messageId, string payload, CancellationToken ct) =>
        Task.FromResult(await PublishAsync(topic, payload, null, ct));

    /// <summary>An external broker cannot leave the author out of a channel topic; agents skip their own posts (the client library does).</summary>
    public async Task<bool> PublishAsync(string topic, string payload, Guid? authorUserId, CancellationToken ct)
    {
        if (!_client.IsConnected) return false;
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("application/json");
        try
        {
            // One publish at a time keeps each stream's order on the wire.
            await _publishLock.WaitAsync(ct);
            try { return (await _client.PublishAsync(builder.Build(), ct)).IsSuccess; }
            finally { _publishLock.Release(); }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogDebug(ex, "Publishing to {Topic} failed", topic);
            return false;
        }
    }

    /// <summary>An external broker's connections are its own; the agent's next connect is refused by the auth hook.</summary>
    public Task DisconnectAgentAsync(Guid agentUserId) => Task.CompletedTask;

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
