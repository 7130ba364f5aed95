using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using AgentLink.MqttBridge.Delivery;
using AgentLink.MqttBridge.Inbound;
using AgentLink.MqttBridge.Presence;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace AgentLink.MqttBridge.Broker;

/// <summary>
/// The default broker: MQTTnet inside the bridge process, so an install needs no MQTT server.
/// Connections are authenticated against the database; every subscribe and publish is
/// checked by <see cref="AgentTopicAcl"/>. What an agent publishes on its outbox is written
/// before the broker answers the PUBLISH, so its PUBACK means "committed". The broker keeps
/// no sessions: agent_outbox is the queue, and an inbox message counts as delivered when the
/// agent's own PUBACK arrives.
/// </summary>
public sealed class EmbeddedBroker(
    IOptions<MqttOptions> options, AgentDirectory directory, AgentTopicAcl acl, AgentTopics topics,
    IServiceProvider services, ILogger<EmbeddedBroker> logger) : IHostedService, IAgentTransport, IAsyncDisposable
{
    private const string IdentityKey = "agentlink.agent";
    private const string BridgeSender = "agentlink-bridge";
    private const string AuthorProperty = "agentlink-author";
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(15);

    private MqttServer? _server;
    // Per agent, its connections here and those of them subscribed to its inbox (an agent may run
    // a listener and a sender side by side). Only a listening agent is sent inbox messages.
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, byte>> _connections = new();
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, byte>> _listening = new();
    private readonly ConcurrentDictionary<(Guid AgentUserId, Guid MessageId), TaskCompletionSource<bool>> _awaitingAck = new();

    // Resolved late: these depend on this transport themselves.
    private AgentMessageHandler Handler => services.GetRequiredService<AgentMessageHandler>();
    private AgentPresence Presence => services.GetRequiredService<AgentPresence>();
    private OutboxDispatcher Dispatcher => services.GetRequiredService<OutboxDispatcher>();

    public bool IsReady => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // Agents log in with their API key: plain TCP stays on loopback unless explicitly allowed.
        var plainAddress = o.AllowPlainTcp ? IPAddress.Parse(o.EmbeddedBindAddress) : IPAddress.Loopback;
        if (!o.AllowPlainTcp && o.EmbeddedBindAddress is not ("127.0.0.1" or "localhost"))
            logger.LogWarning("Plain MQTT listens on 127.0.0.1 only (not {Address}): set AgentLink:Mqtt:AllowPlainTcp=true, or configure TLS (AgentLink:Mqtt:TlsCertificatePath)", o.EmbeddedBindAddress);
        var builder = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(o.EmbeddedPort)
            .WithDefaultEndpointBoundIPAddress(plainAddress)
            // A restarted bridge (after a crash) takes its port back at once.
            .WithDefaultEndpointReuseAddress()
            .WithMaxPendingMessagesPerClient(10_000);
        if (o.UsesTls)
            builder.WithEncryptedEndpoint()
                .WithEncryptedEndpointPort(o.TlsPort)
                .WithEncryptedEndpointBoundIPAddress(IPAddress.Any)
                .WithEncryptionCertificate(BrokerCertificate.Load(o))
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        var serverOptions = builder.Build();
        // Checked twice a second, so a silent agent is dropped (and its will sent) close to 1.5 keep-alives.
        serverOptions.KeepAliveOptions.MonitorInterval = TimeSpan.FromMilliseconds(500);
        var server = new MqttServerFactory().CreateMqttServer(serverOptions);
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        server.ClientSubscribedTopicAsync += OnSubscribedAsync;
        server.ClientUnsubscribedTopicAsync += OnUnsubscribedAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingClientEnqueueAsync += InterceptEnqueueAsync;
        server.ClientAcknowledgedPublishPacketAsync += OnAcknowledgedAsync;
        server.ClientConnectedAsync += OnConnectedAsync;
        server.ClientDisconnectedAsync += OnDisconnectedAsync;
        await server.StartAsync();
        _server = server;
        logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}{Tls}", plainAddress, o.EmbeddedPort,
            o.UsesTls ? $", TLS on 0.0.0.0:{o.TlsPort}" : "");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true } server) await server.StopAsync();
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var agent = await directory.AuthenticateAsync(e.UserName, e.Password, e.CancellationToken);
        if (agent is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            e.ReasonString = "Bad username or password: use your agent's user id and your API key.";
            return;
        }
        // A client id is a session: one agent must not be able to take over another's.
        if (!AgentDirectory.OwnsClientId(agent.UserId, e.ClientId))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            e.ReasonString = "The client id must be the username, or the username followed by '-' and a suffix.";
            return;
        }
        if (await directory.IsPausedAsync(agent, e.CancellationToken))
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            e.ReasonString = $"license_paused: {AgentLink.Core.Billing.License.PausedDetail}";
            return;
        }
        e.SessionItems[IdentityKey] = agent;
    }

    private async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (Identity(e.SessionItems) is not { } agent) { Deny(e, "Not authenticated."); return; }
        var decision = await acl.CheckAsync(agent, e.TopicFilter.Topic, MqttAccess.Subscribe, e.CancellationToken);
        if (!decision.Allowed) { Deny(e, decision.Reason); return; }
        // Inbox delivery counts on the agent's PUBACK, so the inbox is always QoS 1.
        if (e.TopicFilter.Topic == topics.Inbox(agent.WorkspaceId, agent.AgentId))
            e.TopicFilter.QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce;

        static void Deny(InterceptingSubscriptionEventArgs e, string reason)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            e.Response.ReasonString = reason;
        }
    }

    private Task OnSubscribedAsync(ClientSubscribedTopicEventArgs e)
    {
        if (Identity(e.SessionItems) is { } agent && e.TopicFilter.Topic == topics.Inbox(agent.WorkspaceId, agent.AgentId))
        {
            _listening.GetOrAdd(agent.UserId, _ => new())[e.ClientId] = 0;
            // The backlog of an agent that was away goes out now, in order.
            Dispatcher.Kick(agent.UserId);
        }
        return Task.CompletedTask;
    }

    private Task OnUnsubscribedAsync(ClientUnsubscribedTopicEventArgs e)
    {
        if (Identity(e.SessionItems) is { } agent && e.TopicFilter == topics.Inbox(agent.WorkspaceId, agent.AgentId))
            Forget(_listening, agent.UserId, e.ClientId);
        return Task.CompletedTask;
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // Messages the bridge injects itself have no agent session.
        if (Identity(e.SessionItems) is not { } agent) return;
        var message = e.ApplicationMessage;
        var decision = await acl.CheckAsync(agent, message.Topic, MqttAccess.Publish, e.CancellationToken);
        if (!decision.Allowed)
        {
            await RefuseAsync(e, agent, InboundOutcome.Refuse(AgentErrorCodes.NotAuthorized, $"You may not publish on {message.Topic}: {decision.Reason}"));
            return;
        }
        // Nobody subscribes to agents' outbox and status topics; what matters is written to the database.
        e.ProcessPublish = false;
        var payload = message.Payload.ToArray();
        if (topics.Parse(message.Topic)!.Kind == TopicKind.Status)
        {
            if (AgentPresence.ReadState(payload) is { } state) await Presence.SetAsync(agent, state, e.CancellationToken);
            else await RefuseAsync(e, agent, InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed,
                "A status is {\"state\": \"online\"|\"busy\"|\"away\"|\"offline\"}."));
            return;
        }
        InboundOutcome outcome;
        try
        {
            outcome = await Handler.HandleAsync(agent, payload, e.CancellationToken, TraceParentOf(message));
        }
        catch (Exception ex)
        {
            // Not written, so not acknowledged: closing the connection makes the agent resend it.
            logger.LogWarning(ex, "Could not persist a message of agent {AgentId}; dropping its connection so it resends", agent.AgentId);
            e.CloseConnection = true;
            return;
        }
        if (outcome.Result == InboundResult.Refused) SetRefusal(e, outcome);
    }

    private async Task RefuseAsync(InterceptingPublishEventArgs e, AgentIdentity agent, InboundOutcome refused)
    {
        e.ProcessPublish = false;
        SetRefusal(e, refused);
        await Handler.TellAsync(agent, refused, e.CancellationToken);
    }

    /// <summary>MQTT 5 agents also see the reason in the PUBACK; 3.1.1 agents see it on their inbox only.</summary>
    private static void SetRefusal(InterceptingPublishEventArgs e, InboundOutcome refused)
    {
        e.Response.ReasonCode = refused.Code switch
        {
            AgentErrorCodes.NotAuthorized => MqttPubAckReasonCode.NotAuthorized,
            AgentErrorCodes.RateLimited => MqttPubAckReasonCode.QuotaExceeded,
            AgentErrorCodes.InvalidJson or AgentErrorCodes.PayloadTooLarge or AgentErrorCodes.InvalidText => MqttPubAckReasonCode.PayloadFormatInvalid,
            _ => MqttPubAckReasonCode.ImplementationSpecificError,
        };
        e.Response.ReasonString = $"{refused.Code}: {refused.Reason}";
    }

    /// <summary>The publisher's trace context, when it sent one as the MQTT 5 user property "traceparent".</summary>
    internal static string? TraceParentOf(MqttApplicationMessage message) =>
        message.UserProperties?.FirstOrDefault(p => p.Name == "traceparent")?.ReadValueAsString();

    private static Task InterceptEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        // An agent never receives its own posts on a channel topic, on any of its connections
        // (client ids are the agent's user id, or that id and a suffix).
        var props = e.ApplicationMessage.UserProperties;
        if (props is { Count: > 0 }
            && props.Any(p => p.Name == AuthorProperty && AgentDirectory.OwnsClientId(p.ReadValueAsString(), e.ReceiverClientId)))
            e.AcceptEnqueue = false;
        return Task.CompletedTask;
    }

    private Task OnAcknowledgedAsync(ClientAcknowledgedPublishPacketEventArgs e)
    {
        if (Identity(e.SessionItems) is { } agent && ReadEnvelopeId(e.PublishPacket.Payload) is { } id
            && _awaitingAck.TryRemove((agent.UserId, id), out var done))
            done.TrySetResult(true);
        return Task.CompletedTask;
    }

    private async Task OnConnectedAsync(ClientConnectedEventArgs e)
    {
        if (Identity(e.SessionItems) is not { } agent) return;
        _connections.GetOrAdd(agent.UserId, _ => new())[e.ClientId] = 0;
        try { await Presence.SetAsync(agent, "online"); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not mark agent {AgentId} online", agent.AgentId); }
    }

    private async Task OnDisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        // A takeover is the same agent reconnecting: its new connection carries on.
        if (e.DisconnectType == MqttClientDisconnectType.Takeover || Identity(e.SessionItems) is not { } agent) return;
        // What was sent and not acknowledged goes again once the agent listens again.
        if (!Forget(_listening, agent.UserId, e.ClientId))
            foreach (var key in _awaitingAck.Keys.Where(k => k.AgentUserId == agent.UserId))
                if (_awaitingAck.TryRemove(key, out var pending)) pending.TrySetResult(false);
        if (Forget(_connections, agent.UserId, e.ClientId)) return;
        try { await Presence.SetAsync(agent, "offline"); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not mark agent {AgentId} offline", agent.AgentId); }
    }

    /// <summary>Removes one connection of an agent; true when the agent still has others.</summary>
    private static bool Forget(ConcurrentDictionary<Guid, ConcurrentDictionary<string, byte>> map, Guid agentUserId, string clientId)
    {
        if (!map.TryGetValue(agentUserId, out var clients)) return false;
        clients.TryRemove(clientId, out _);
        return !clients.IsEmpty;
    }

    private bool IsListening(Guid agentUserId) => _listening.TryGetValue(agentUserId, out var clients) && !clients.IsEmpty;

    public Task<bool> CanDeliverToAsync(Guid agentUserId, CancellationToken ct) => Task.FromResult(IsListening(agentUserId));

    public async Task<Task<bool>> SendToAgentAsync(Guid agentUserId, string topic, Guid messageId, string payload, CancellationToken ct)
    {
        if (_server is not { } server || !IsListening(agentUserId)) return Task.FromResult(false);
        var key = (agentUserId, messageId);
        var acked = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _awaitingAck[key] = acked;
        await server.InjectApplicationMessage(Inject(topic, payload, null), ct);
        return AwaitAckAsync(key, acked);
    }

    private async Task<bool> AwaitAckAsync((Guid, Guid) key, TaskCompletionSource<bool> acked)
    {
        try { return await acked.Task.WaitAsync(AckTimeout); }
        catch (TimeoutException) { return false; }
        finally { _awaitingAck.TryRemove(key, out _); }
    }

    public async Task<bool> PublishAsync(string topic, string payload, Guid? authorUserId, CancellationToken ct)
    {
        if (_server is not { } server) return false;
        await server.InjectApplicationMessage(Inject(topic, payload, authorUserId), ct);
        return true;
    }

    public async Task DisconnectAgentAsync(Guid agentUserId)
    {
        if (_server is not { } server || !_connections.TryGetValue(agentUserId, out var clients)) return;
        foreach (var clientId in clients.Keys)
        {
            try
            {
                await server.DisconnectClientAsync(clientId,
                    new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.AdministrativeAction, ReasonString = "This agent was removed from its workspace." });
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Connection {ClientId} of agent {UserId} was already gone", clientId, agentUserId);
            }
        }
    }

    private static InjectedMqttApplicationMessage Inject(string topic, string payload, Guid? authorUserId)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("application/json");
        if (authorUserId is { } author) builder.WithUserProperty(AuthorProperty, System.Text.Encoding.UTF8.GetBytes(author.ToString()).AsMemory());
        return new InjectedMqttApplicationMessage(builder.Build()) { SenderClientId = BridgeSender };
    }

    private static AgentIdentity? Identity(System.Collections.IDictionary? items) =>
        items is not null && items.Contains(IdentityKey) ? items[IdentityKey] as AgentIdentity : null;

    /// <summary>The "id" of a JSON envelope, read without building a document.</summary>
    internal static Guid? ReadEnvelopeId(ReadOnlySequence<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id");
                if (!reader.Read()) return null;
                if (isId) return reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var id) ? id : null;
                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or an id that is no string (an escaped lone surrogate).
        }
        return null;
    }
}
