using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// The MCP sessions open on this bridge instance, by agent, with the resources each subscribed to.
/// The outbox dispatcher asks it whether an agent without an MQTT connection can be reached over
/// MCP, and hands it what to push; resource changes are announced to the sessions that subscribed.
/// </summary>
public sealed class McpSessions(ILogger<McpSessions> logger)
{
    /// <summary>The notification that carries inbox deliveries: {deliveries: [{deliveryId, envelope}]}.</summary>
    public const string DeliveryNotification = "notifications/agentlink/delivery";

    public sealed class Session(McpServer server)
    {
        public McpServer Server { get; } = server;
        public ConcurrentDictionary<string, bool> Subscriptions { get; } = new(StringComparer.Ordinal);

        /// <summary>The deliveries pushed since the session's notification stream last opened; a new stream starts empty.</summary>
        public ConcurrentDictionary<long, bool> OnStream { get; } = new();
    }

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Session, bool>> _byAgent = new();

    public Session Add(Guid agentUserId, McpServer server)
    {
        var session = new Session(server);
        _byAgent.GetOrAdd(agentUserId, _ => new()).TryAdd(session, true);
        return session;
    }

    public void Remove(Guid agentUserId, Session session)
    {
        if (_byAgent.TryGetValue(agentUserId, out var sessions)) sessions.TryRemove(session, out _);
    }

    public bool HasSession(Guid agentUserId) => _byAgent.TryGetValue(agentUserId, out var s) && !s.IsEmpty;

    /// <summary>The session a request belongs to, by its session id (request handlers see their own view of the server).</summary>
    public Session? Find(Guid agentUserId, McpServer server) =>
        server.SessionId is { } id && _byAgent.TryGetValue(agentUserId, out var s) ? s.Keys.FirstOrDefault(x => x.Server.SessionId == id) : null;

    /// <summary>The session a request names in its Mcp-Session-Id header.</summary>
    public Session? Find(Guid agentUserId, string sessionId) =>
        _byAgent.TryGetValue(agentUserId, out var s) ? s.Keys.FirstOrDefault(x => x.Server.SessionId == sessionId) : null;

    /// <summary>Pushes deliveries to every session of the agent; best effort (the agent acknowledges what it handled).</summary>
    public Task PushAsync(Guid agentUserId, IReadOnlyList<McpInbox.Row> rows, CancellationToken ct) =>
        NotifyAsync(agentUserId, _ => true, session => PushAsync(session, rows, ct), "its deliveries (they wait for its read_inbox)");

    /// <summary>
    /// Pushes to one session those of <paramref name="rows"/> its current stream has not carried yet. Each is noted
    /// before it is sent, so a stream that just opened and is sent what is owed does not get twice what the
    /// dispatcher pushed meanwhile.
    /// </summary>
    public async Task PushAsync(Session session, IReadOnlyList<McpInbox.Row> rows, CancellationToken ct)
    {
        var fresh = rows.Where(r => session.OnStream.TryAdd(r.Id, true)).ToList();
        if (fresh.Count == 0) return;
        await session.Server.SendNotificationAsync(DeliveryNotification, new JsonObject { ["deliveries"] = McpInbox.ToJson(fresh) }, cancellationToken: ct);
        if (session.Subscriptions.ContainsKey(McpResources.InboxUri)) await ResourceUpdatedAsync(session.Server, McpResources.InboxUri, ct);
    }

    /// <summary>Tells the agent's sessions that subscribed to <paramref name="uri"/> that it changed.</summary>
    public Task ResourceChangedAsync(Guid agentUserId, string uri, CancellationToken ct) =>
        NotifyAsync(agentUserId, s => s.Subscriptions.ContainsKey(uri), session => ResourceUpdatedAsync(session.Server, uri, ct), $"that {uri} changed");

    /// <summary>Tells the agent's sessions that its prompts (its skills) changed.</summary>
    public Task PromptsChangedAsync(Guid agentUserId, CancellationToken ct) =>
        NotifyAsync(agentUserId, _ => true, session => session.Server.SendNotificationAsync(NotificationMethods.PromptListChangedNotification, cancellationToken: ct),
            "that its prompts changed");

    private static Task ResourceUpdatedAsync(McpServer server, string uri, CancellationToken ct) =>
        server.SendNotificationAsync(NotificationMethods.ResourceUpdatedNotification, new ResourceUpdatedNotificationParams { Uri = uri }, cancellationToken: ct);

    /// <summary>Sends to each of the agent's sessions here that <paramref name="who"/> picks; one that fails is skipped (best effort).</summary>
    private async Task NotifyAsync(Guid agentUserId, Func<Session, bool> who, Func<Session, Task> send, string what)
    {
        if (!_byAgent.TryGetValue(agentUserId, out var sessions)) return;
        foreach (var session in sessions.Keys.Where(who))
        {
            try { await send(session); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Could not tell an MCP session of agent {AgentUserId} {What}", agentUserId, what);
            }
        }
    }
}
