using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.MqttBridge.Broker;
using AgentLink.MqttBridge.Mcp.Tools;
using AgentLink.MqttBridge.Presence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// The MCP server (Streamable HTTP, with sessions) on the bridge's HTTP port: the agent's second
/// transport beside MQTT. The bridge already owns what an agent is owed (the outbox dispatcher) and
/// what it sends (the inbound handlers), so MCP shares both instead of copying them.
/// </summary>
public static class McpEndpoint
{
    public const string Policy = "McpAgent";

    public static IServiceCollection AddAgentLinkMcp(this IServiceCollection services)
    {
        // Always there: the dispatcher asks them whether an agent is on MCP here (never, when MCP is off).
        services.AddSingleton<McpSessions>();
        services.AddSingleton<McpInbox>();
        services.AddSingleton<McpSkills>();
        services.AddSingleton<AgentEnvelopes>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, McpAgentAuthentication>(McpAgentAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(McpAgentAuthentication.SchemeName).RequireAuthenticatedUser());

        services.AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = "AgentLink", Version = typeof(McpEndpoint).Assembly.GetName().Version?.ToString() ?? "1.0" };
                o.ServerInstructions =
                    "You are an agent in an AgentLink workspace, where people and AI agents work together. " +
                    "Call read_inbox first: DMs, @mentions, task dispatches and skills wait there while you are away, and new ones also arrive " +
                    "as notifications/agentlink/delivery. Acknowledge what you handled (read_inbox ack=, or ack_inbox), or it is offered again. " +
                    "Answer with post_message (channelId and, in a thread, parentId), move your tasks on with update_task, " +
                    "and keep what you learn with write_memory / search_memories. Your skills are prompts.";
                o.Capabilities = new ServerCapabilities
                {
                    Resources = new ResourcesCapability { Subscribe = true, ListChanged = false },
                    Prompts = new PromptsCapability { ListChanged = true },
                };
            })
            .WithHttpTransport(o =>
            {
                // Sessions: notifications (deliveries, resource changes) need the session's open stream. The SDK calls this
                // mode the back-compat path of the 2025-11-25 revision; a client of the 2026-07-28 revision (no sessions)
                // falls back to the initialize handshake and gets one, as the SDK's own client does.
                o.SessionMode = HttpServerSessionMode.Stateful;
#pragma warning disable MCPEXP002 // RunSessionHandler is experimental; it is the one place that sees a session start and end.
                o.RunSessionHandler = RunSessionAsync;
#pragma warning restore MCPEXP002
            })
            .WithRequestFilters(filters => filters.AddCallToolFilter(ArgumentChecks.Filter))
            .WithTools<ChannelTools>()
            .WithTools<TaskTools>()
            .WithTools<MemoryTools>()
            .WithTools<SkillTools>()
            .WithTools<InboxTools>()
            .WithTools<AuditTools>()
            .WithListPromptsHandler(McpPrompts.ListAsync)
            .WithGetPromptHandler(McpPrompts.GetAsync)
            .WithListResourcesHandler(McpResources.ListAsync)
            .WithReadResourceHandler(McpResources.ReadAsync)
            .WithSubscribeToResourcesHandler(McpResources.SubscribeAsync)
            .WithUnsubscribeFromResourcesHandler(McpResources.UnsubscribeAsync);
        // Obsolete with the rest of stateful mode (see RunSessionHandler above): sessions are what we use.
#pragma warning disable MCP9006
        services.AddOptions<HttpServerTransportOptions>().Configure<IOptions<McpOptions>>((transport, mcp) =>
            transport.IdleTimeout = TimeSpan.FromMinutes(mcp.Value.IdleMinutes));
#pragma warning restore MCP9006
        return services;
    }

    public static void MapAgentLinkMcp(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<McpOptions>>().Value;
        if (!options.Enabled) return;
        // A session's notification stream (its GET) opening: it starts with nothing pushed on it, and what the agent
        // is owed goes out on it.
        app.UseWhen(http => HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Equals(options.Path) && http.Request.Headers.ContainsKey("Mcp-Session-Id"),
            branch => branch.Use(async (http, next) =>
            {
                var signedIn = await http.AuthenticateAsync(McpAgentAuthentication.SchemeName);
                var agent = signedIn.Succeeded ? McpAgentAuthentication.Agent(signedIn.Principal) : null;
                if (agent is not null && http.RequestServices.GetRequiredService<McpSessions>().Find(agent.UserId, http.Request.Headers["Mcp-Session-Id"].ToString()) is { } session)
                {
                    session.OnStream.Clear();
                    _ = SendOwedAsync(http.RequestServices, agent, session, http.RequestAborted);
                }
                await next(http);
            }));
        app.MapMcp(options.Path).RequireAuthorization(Policy);
    }

    /// <summary>
    /// Pushes everything the agent is owed on a session's new notification stream, once it listens: the backlog kept
    /// while it was away, and what was pushed to a stream that broke (offered, not acknowledged); not what the
    /// dispatcher pushed on this stream meanwhile. Not while the agent is on MQTT, which delivers it there.
    /// Notifications sent before a stream listens are dropped (the SDK's rule), hence the short wait.
    /// </summary>
    private static async Task SendOwedAsync(IServiceProvider services, Core.Agents.AgentIdentity agent, McpSessions.Session session, CancellationToken streamGone)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(McpEndpoint));
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), streamGone);
            if (await services.GetRequiredService<IAgentTransport>().CanDeliverToAsync(agent.UserId, streamGone)) return;
            var owed = await services.GetRequiredService<McpInbox>().ReadAsync(agent, null, 100, streamGone);
            await services.GetRequiredService<McpSessions>().PushAsync(session, owed.Offered, streamGone);
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) { logger.LogDebug(ex, "Could not send agent {AgentId} what it is owed on its new stream; read_inbox has it", agent.AgentId); }
    }

    /// <summary>
    /// One MCP session, from initialize to its end: registered for deliveries, its agent kept online
    /// (an MCP client sends no heartbeats), and its workspace's events watched for resource changes.
    /// </summary>
    private static async Task RunSessionAsync(HttpContext http, McpServer server, CancellationToken ct)
    {
        var services = http.RequestServices;
        var agent = McpAgentAuthentication.Agent(http.User);
        var sessions = services.GetRequiredService<McpSessions>();
        var presence = services.GetRequiredService<AgentPresence>();
        var transport = services.GetRequiredService<IAgentTransport>();
        var options = services.GetRequiredService<IOptions<McpOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(McpEndpoint));
        var session = sessions.Add(agent.UserId, server);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await using var watch = await services.GetRequiredService<IEventBus>().SubscribeAsync(BusTopics.WorkspaceEvents(agent.WorkspaceId),
                message => WorkspaceEventAsync(sessions, agent.UserId, message, stop.Token), stop.Token);
            // What it is owed goes out when its notification stream opens (MapAgentLinkMcp), not now: before that, pushes are dropped.
            var keepOnline = KeepOnlineAsync(presence, agent, options, logger, stop.Token);
            try { await server.RunAsync(ct); }
            finally
            {
                await stop.CancelAsync();
                await keepOnline;
            }
        }
        finally
        {
            sessions.Remove(agent.UserId, session);
            if (!sessions.HasSession(agent.UserId) && !await transport.CanDeliverToAsync(agent.UserId, CancellationToken.None))
            {
                try { await presence.SetAsync(agent, "offline"); }
                catch (Exception ex) { logger.LogDebug(ex, "Could not mark agent {AgentId} offline after its MCP session", agent.AgentId); }
            }
        }
    }

    private static async Task KeepOnlineAsync(AgentPresence presence, Core.Agents.AgentIdentity agent, McpOptions options, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PresenceRefreshSeconds));
        do
        {
            try { await presence.SetAsync(agent, "online", ct); }
            catch (Exception ex) when (!ct.IsCancellationRequested) { logger.LogDebug(ex, "Could not refresh the presence of agent {AgentId}", agent.AgentId); }
        }
        while (await WaitAsync(timer, ct));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Which resources (or the prompt list) a workspace event changes for this agent.</summary>
    private static async Task WorkspaceEventAsync(McpSessions sessions, Guid agentUserId, string message, CancellationToken ct)
    {
        var e = WorkspaceEvent.FromJson(message);
        if (e is null || (e.UserId is { } only && only != agentUserId)) return;
        if (e.Type.StartsWith("channel.", StringComparison.Ordinal) || e.Type == EventTypes.AgentRemoved)
            await sessions.ResourceChangedAsync(agentUserId, McpResources.ChannelsUri, ct);
        else if (e.Type == EventTypes.MemoryWritten && e.Data.TryGetProperty("memory", out var m)
                 && m.TryGetProperty("agentUserId", out var owner) && owner.GetString() == agentUserId.ToString())
            await sessions.ResourceChangedAsync(agentUserId, McpResources.PinnedMemoriesUri, ct);
        else if (e.Type is EventTypes.SkillDelivery or EventTypes.SkillUpdated)
            await sessions.PromptsChangedAsync(agentUserId, ct);
    }
}
