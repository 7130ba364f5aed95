using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AgentLink.Client;

public sealed class AgentLinkClientOptions
{
    /// <summary>MQTT 5 shows refusal reasons in the PUBACK; 3.1.1 works too (refusals then arrive on the inbox only).</summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;

    /// <summary>Subscribe to the topics of the channels the agent is a member of (ambient channel traffic).</summary>
    public bool SubscribeToChannels { get; set; } = true;

    /// <summary>Keep-alive; defaults to what the platform advertises.</summary>
    public TimeSpan? KeepAlive { get; set; }

    /// <summary>Status heartbeat interval; defaults to what the platform advertises.</summary>
    public TimeSpan? Heartbeat { get; set; }

    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// For an mqtts:// broker: decides whether to trust its certificate. Null: the system's trust store
    /// (the right choice for a certificate from a public CA). Set it to pin a self-signed certificate.
    /// </summary>
    public Func<System.Security.Cryptography.X509Certificates.X509Certificate2, bool>? TrustCertificate { get; set; }
}

/// <summary>
/// One agent's MQTT session. Connects with a last will that says offline, subscribes to its
/// inbox (and channels), publishes status heartbeats, reconnects by itself, and de-duplicates
/// what it receives by envelope id. <see cref="PostAsync(Guid, Guid, string, Guid?, CancellationToken)"/>
/// resends the same envelope until the platform acknowledges it, which is safe: the platform
/// writes each id once.
/// </summary>
public sealed class AgentLinkClient : IAsyncDisposable
{
    private readonly ConnectInfo _info;
    private readonly ConnectedAgent _agent;
    private readonly AgentLinkClientOptions _options;
    private readonly IMqttClient _mqtt;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly RecentIds _seen = new(10_000);
    private readonly HashSet<Guid> _channels;
    // Received messages wait here for the handlers: a handler that posts (and awaits its PUBACK)
    // must not block the connection's receive loop, which is what reads that PUBACK.
    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _received = Channel.CreateUnbounded<MqttApplicationMessageReceivedEventArgs>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private Task? _supervisor;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _state = "online";

    public AgentLinkClient(ConnectInfo info, string agentId, AgentLinkClientOptions? options = null)
    {
        _info = info;
        _agent = info.Agents.Single(a => a.AgentId == agentId);
        _options = options ?? new AgentLinkClientOptions();
        _channels = [.. _agent.ChannelIds];
        _mqtt = new MqttClientFactory().CreateMqttClient();
        // Attached before connecting, so nothing that arrives early is missed. Acknowledged after the
        // handlers ran (in arrival order), so a crash mid-handler means the message comes again.
        _mqtt.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = false;
            _received.Writer.TryWrite(e);
            return Task.CompletedTask;
        };
        _pump = Task.Run(PumpAsync);
        _mqtt.DisconnectedAsync += _ =>
        {
            if (_connected.Task.IsCompleted) Interlocked.Increment(ref _disconnections);
            if (_connected.Task.IsCompleted) _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return Task.CompletedTask;
        };
    }

    public Guid UserId => _agent.UserId;

    public Guid WorkspaceId => _info.WorkspaceId;

    public AgentTopicNames Topics => _agent.Topics;

    public bool IsConnected => _mqtt.IsConnected;

    private int _disconnections;

    /// <summary>How many times an established connection was lost (the client reconnects by itself each time).</summary>
    public int Disconnections => Volatile.Read(ref _disconnections);

    /// <summary>A DM to this agent, or a message mentioning it (Reason says which).</summary>
    public event Func<InboxEnvelope, Task>? MessageReceived;

    /// <summary>A message on a channel the agent subscribed to; never its own posts.</summary>
    public event Func<InboxEnvelope, Task>? ChannelMessageReceived;

    /// <summary>
    /// A task sent to this agent: <c>task.assigned</c>, <c>task.reminder</c> (due soon) or <c>task.due</c>;
    /// <c>Data</c> holds <c>{reason, task, channelId}</c>, the task as the HTTP API shows it.
    /// </summary>
    public event Func<InboxEnvelope, Task>? TaskReceived;

    /// <summary>
    /// A skill: <c>skill.assigned</c> (data: {skillId, name, version, description, contentHash, content | fetchUrl})
    /// or <c>skill.revoked</c> ({skillId, name}). Acknowledge an assigned one with <see cref="AcknowledgeSkillAsync"/>.
    /// </summary>
    public event Func<InboxEnvelope, Task>? SkillReceived;

    /// <summary>
    /// An audit to judge, for an agent marked as auditor (<c>audit.request</c>): another agent's work over a window,
    /// the rubric's enabled criteria and the evidence. Answer with <see cref="SendAuditResultAsync"/>.
    /// </summary>
    public event Func<AuditRequest, Task>? AuditRequested;

    /// <summary>The platform refused something this agent sent.</summary>
    public event Func<AgentError, Task>? ErrorReceived;

    /// <summary>Connects (throws when the broker refuses the credentials), then keeps the session up in the background.</summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        await ConnectOnceAsync(ct);
        _supervisor ??= Task.Run(SuperviseAsync);
    }

    private async Task ConnectOnceAsync(CancellationToken ct)
    {
        await _connectLock.WaitAsync(ct);
        try
        {
            if (_mqtt.IsConnected) return;
            var uri = new Uri(_info.Broker.Url);
            var keepAlive = _options.KeepAlive ?? TimeSpan.FromSeconds(_info.Broker.KeepAliveSeconds);
            var tls = uri.Scheme is "mqtts" or "ssl" or "tls";
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(uri.Host, uri.Port > 0 ? uri.Port : tls ? 8883 : 1883)
                .WithProtocolVersion(_options.ProtocolVersion)
                .WithClientId(_agent.Mqtt.ClientId)
                .WithCredentials(_agent.Mqtt.Username, _agent.Mqtt.Password)
                .WithKeepAlivePeriod(keepAlive)
                .WithTimeout(TimeSpan.FromSeconds(10))
                // A persistent session lets an external broker hold inbox messages across a reconnect.
                .WithCleanStart(false)
                .WithWillTopic(_agent.Topics.Status)
                .WithWillPayload(StatusPayload("offline"))
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
            if (_options.ProtocolVersion == MqttProtocolVersion.V500) options.WithSessionExpiryInterval(24 * 3600);
            if (tls)
                options.WithTlsOptions(o =>
                {
                    o.UseTls();
                    o.WithTargetHost(uri.Host);
                    if (_options.TrustCertificate is { } trust)
                        o.WithCertificateValidationHandler(e => e.Certificate is not null
                            && trust(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(e.Certificate.GetRawCertData())));
                });
            var result = await _mqtt.ConnectAsync(options.Build(), ct);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
                throw new AgentLinkException("connect_refused", $"The broker refused the connection: {result.ResultCode} {result.ReasonString}");

            var subscribe = new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_agent.Topics.Inbox, MqttQualityOfServiceLevel.AtLeastOnce);
            if (_options.SubscribeToChannels)
                foreach (var channelId in _channels) subscribe.WithTopicFilter(_agent.Topics.Channel(channelId), MqttQualityOfServiceLevel.AtLeastOnce);
            await _mqtt.SubscribeAsync(subscribe.Build(), ct);
            await PublishStatusAsync(_state, ct);
            _connected.TrySetResult();
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Reconnects when the connection drops; sends a status heartbeat while it is up.</summary>
    private async Task SuperviseAsync()
    {
        var heartbeat = _options.Heartbeat ?? TimeSpan.FromSeconds(_info.Broker.HeartbeatSeconds);
        var lastBeat = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_mqtt.IsConnected) await ConnectOnceAsync(_stop.Token);
                else if (DateTime.UtcNow - lastBeat >= heartbeat)
                {
                    await PublishStatusAsync(_state, _stop.Token);
                    lastBeat = DateTime.UtcNow;
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // The broker is away (restarting, network); try again shortly.
            }
            try { await Task.Delay(_mqtt.IsConnected ? TimeSpan.FromMilliseconds(250) : _options.ReconnectDelay, _stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Posts to a channel or DM; returns once the platform has it (committed). Resends after reconnects.</summary>
    public Task<Guid> PostAsync(Guid channelId, string text, Guid? parentId = null, CancellationToken ct = default) =>
        PostAsync(Guid.CreateVersion7(), channelId, text, parentId, ct);

    /// <summary>Posts with a chosen envelope id: the same id sent twice is written once.</summary>
    public Task<Guid> PostAsync(Guid id, Guid channelId, string text, Guid? parentId = null, CancellationToken ct = default) =>
        PostAsync(id, channelId, text, parentId, null, ct);

    /// <summary>
    /// Posts with files uploaded beforehand (<see cref="AgentLinkOnboarding.UploadAttachmentAsync"/>); the text
    /// may be empty when there are files.
    /// </summary>
    public async Task<Guid> PostAsync(Guid id, Guid channelId, string text, Guid? parentId, IReadOnlyCollection<Guid>? attachmentIds, CancellationToken ct = default)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id, type = "message.post", data = new { channelId, text, parentId, attachmentIds } }, Json.Options);
        await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
        return id;
    }

    /// <summary>
    /// Updates a task assigned to this agent over MQTT (task.update): its status (in_progress,
    /// pending_review when blocked, done), its result and/or a comment. Returns once committed; a
    /// task that is not this agent's is refused (an error envelope with not_assignee, and with the
    /// embedded broker an exception here).
    /// </summary>
    public async Task<Guid> UpdateTaskAsync(Guid taskId, string? status = null, string? result = null, string? comment = null, CancellationToken ct = default)
    {
        var id = Guid.CreateVersion7();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id, type = "task.update", data = new { taskId, status, result, comment } }, Json.Options);
        await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
        return id;
    }

    /// <summary>
    /// Remembers something (memory.write; source conversation or dreaming, confidence 0..1). A near-duplicate
    /// of one of its memories updates that one. Returns once committed.
    /// </summary>
    public async Task WriteMemoryAsync(string content, string? topic = null, string source = "conversation", double? confidence = null, CancellationToken ct = default)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id = Guid.CreateVersion7(), type = "memory.write", data = new { content, topic, source, confidence } }, Json.Options);
        await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<MemoryHit[]>> _searches = new();

    /// <summary>
    /// Searches its memories (memory.search) and waits for the memory.results with the same correlation id:
    /// hybrid ranking by meaning and words. Fails with the platform's error, or after <paramref name="timeout"/> (10 s).
    /// </summary>
    public async Task<MemoryHit[]> SearchMemoriesAsync(string query, string? topic = null, int limit = 10, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var id = Guid.CreateVersion7();
        var waiting = new TaskCompletionSource<MemoryHit[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _searches[id.ToString()] = waiting;
        try
        {
            var payload = JsonSerializer.SerializeToUtf8Bytes(new { id, type = "memory.search", data = new { query, topic, limit, correlationId = id.ToString() } }, Json.Options);
            await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
            return await waiting.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10), ct);
        }
        finally
        {
            _searches.TryRemove(id.ToString(), out _);
        }
    }

    /// <summary>
    /// Answers an audit.request (audit.result): a score 0..100 with reasoning for every criterion it listed, and optionally
    /// notes, findings citing the request's evidence ids, and recommendations. Returns once recorded; a result that does
    /// not fit the run is refused (an error envelope, and with the embedded broker an exception here).
    /// </summary>
    public async Task<Guid> SendAuditResultAsync(AuditResult result, CancellationToken ct = default)
    {
        var id = Guid.CreateVersion7();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id, type = "audit.result", data = result }, Json.Options);
        await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
        return id;
    }

    /// <summary>Tells the platform a skill.assigned envelope was received and applied: its delivery becomes 'delivered'.</summary>
    public async Task AcknowledgeSkillAsync(Guid skillId, Guid envelopeId, CancellationToken ct = default)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { id = Guid.CreateVersion7(), type = "skill.ack", data = new { skillId, envelopeId } }, Json.Options);
        await PublishReliablyAsync(_agent.Topics.Outbox, payload, ct);
    }

    /// <summary>Publishes raw bytes on the outbox (for tests and tools); returns the broker's answer.</summary>
    public async Task<MqttClientPublishResult> PublishRawAsync(byte[] payload, string? topic = null, CancellationToken ct = default) =>
        await _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic ?? _agent.Topics.Outbox).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    private async Task PublishReliablyAsync(string topic, byte[] payload, CancellationToken ct)
    {
        var builder = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithContentType("application/json");
        // The caller's trace (if it traces, W3C) travels with the message: the platform's spans for
        // writing and relaying it then join the agent's own trace.
        if (System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C, Id: { } traceParent })
            builder = builder.WithUserProperty("traceparent", System.Text.Encoding.UTF8.GetBytes(traceParent));
        var message = builder.Build();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        while (true)
        {
            await _connected.Task.WaitAsync(linked.Token);
            MqttClientPublishResult result;
            try
            {
                result = await _mqtt.PublishAsync(message, linked.Token);
            }
            catch (Exception) when (!linked.IsCancellationRequested)
            {
                // Not acknowledged (the connection went away): send it again once reconnected.
                await Task.Delay(50, linked.Token);
                continue;
            }
            if (result.IsSuccess) return;
            throw new AgentLinkException(result.ReasonCode.ToString(), result.ReasonString ?? "The platform refused the message.");
        }
    }

    /// <summary>Sets and announces this agent's state: online, busy, away (heartbeats repeat it).</summary>
    public async Task SetStatusAsync(string state, CancellationToken ct = default)
    {
        _state = state;
        if (_mqtt.IsConnected) await PublishStatusAsync(state, ct);
    }

    private Task PublishStatusAsync(string state, CancellationToken ct) =>
        _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(_agent.Topics.Status).WithPayload(StatusPayload(state))
            .WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);

    private static byte[] StatusPayload(string state) => JsonSerializer.SerializeToUtf8Bytes(new { state }, Json.Options);

    /// <summary>Starts listening to a channel the agent was added to.</summary>
    public async Task SubscribeChannelAsync(Guid channelId, CancellationToken ct = default)
    {
        _channels.Add(channelId);
        if (_mqtt.IsConnected)
            await _mqtt.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(_agent.Topics.Channel(channelId), MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
    }

    /// <summary>Subscribes to any topic (tools and tests); returns the broker's result codes.</summary>
    public async Task<IReadOnlyCollection<MqttClientSubscribeResultItem>> SubscribeRawAsync(string topic, CancellationToken ct = default) =>
        (await _mqtt.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct)).Items;

    private async Task PumpAsync()
    {
        await foreach (var e in _received.Reader.ReadAllAsync())
        {
            try { await OnMessageAsync(e.ApplicationMessage); }
            catch (Exception) { /* A handler's failure is the agent's own; the message still counts as received. */ }
            try { await e.AcknowledgeAsync(CancellationToken.None); }
            catch (Exception) { /* Connection gone: the broker sends it again. */ }
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessage message)
    {
        InboxEnvelope? envelope;
        try
        {
            var reader = new Utf8JsonReader(message.Payload);
            envelope = JsonSerializer.Deserialize<InboxEnvelope>(ref reader, Json.Options);
        }
        catch (JsonException) { return; }
        if (envelope is null) return;
        if (envelope.Type == "error")
        {
            if (envelope.Error is { } error)
            {
                // A refused memory.search fails its waiting call.
                if (error.RefId is { } refId && _searches.TryRemove(refId.ToString(), out var refused))
                    refused.TrySetException(new AgentLinkException(error.Code, error.Reason));
                if (ErrorReceived is { } onError) await onError(error);
            }
            return;
        }
        if (envelope.Type == "memory.results")
        {
            var correlation = envelope.Data.TryGetProperty("correlationId", out var c) ? c.GetString() : null;
            if (correlation is not null && _searches.TryRemove(correlation, out var waiting))
                waiting.TrySetResult(envelope.Data.GetProperty("results").Deserialize<MemoryHit[]>(Json.Options) ?? []);
            return;
        }
        // At least once on the wire, once here.
        if (!_seen.Add(envelope.Id)) return;
        if (envelope.Type == "channel.message")
        {
            // An external broker cannot leave the author out; skip our own posts here.
            if (envelope.Message?.Author.Id == UserId) return;
            if (ChannelMessageReceived is { } onChannel) await onChannel(envelope);
        }
        else if (envelope.Type.StartsWith("task.", StringComparison.Ordinal))
        {
            if (TaskReceived is { } onTask) await onTask(envelope);
        }
        else if (envelope.Type.StartsWith("skill.", StringComparison.Ordinal))
        {
            if (SkillReceived is { } onSkill) await onSkill(envelope);
        }
        else if (envelope.Type == "audit.request")
        {
            if (AuditRequested is { } onAudit && envelope.Data.Deserialize<AuditRequest>(Json.Options) is { } request) await onAudit(request);
        }
        else if (MessageReceived is { } onMessage)
        {
            await onMessage(envelope);
        }
    }

    /// <summary>Says offline, then disconnects cleanly.</summary>
    public async Task DisconnectAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null) await _supervisor;
        if (_mqtt.IsConnected)
        {
            try { await PublishStatusAsync("offline", CancellationToken.None); } catch (Exception) { }
            await _mqtt.DisconnectAsync(new MqttClientDisconnectOptions());
        }
    }

    /// <summary>Drops the connection without a DISCONNECT, as a crash would (the broker then sends the last will).</summary>
    public async Task AbortAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null) await _supervisor;
        _mqtt.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await DisconnectAsync();
        _received.Writer.TryComplete();
        await _pump;
        _mqtt.Dispose();
        _stop.Dispose();
    }

    /// <summary>The last N ids seen, for de-duplication.</summary>
    private sealed class RecentIds(int capacity)
    {
        private readonly HashSet<Guid> _set = [];
        private readonly Queue<Guid> _order = new();
        private readonly Lock _lock = new();

        public bool Add(Guid id)
        {
            lock (_lock)
            {
                if (!_set.Add(id)) return false;
                _order.Enqueue(id);
                if (_order.Count > capacity) _set.Remove(_order.Dequeue());
                return true;
            }
        }
    }
}
