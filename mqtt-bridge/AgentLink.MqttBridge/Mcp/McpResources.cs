using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using AgentLink.Core.Memories;
using AgentLink.MqttBridge.Mcp.Tools;
using Dapper;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// MCP resources: the agent's channels, its pinned memories and its inbox, as JSON. A session may
/// subscribe to each; it is then told (notifications/resources/updated) when it changes.
/// </summary>
public static class McpResources
{
    public const string ChannelsUri = "agentlink://channels";
    public const string PinnedMemoriesUri = "agentlink://memories/pinned";
    public const string InboxUri = "agentlink://inbox";

    private static readonly Resource[] All =
    [
        new() { Uri = ChannelsUri, Name = "channels", MimeType = "application/json", Description = "The channels and DMs you are a member of." },
        new() { Uri = PinnedMemoriesUri, Name = "pinned-memories", MimeType = "application/json", Description = "Your pinned memories: what you should always keep in mind." },
        new() { Uri = InboxUri, Name = "inbox", MimeType = "application/json", Description = "Deliveries waiting for you (read and acknowledge them with read_inbox)." },
    ];

    private static readonly string PinnedSql = $"""
        select {MemoryStore.Columns}
        from agent_memories where workspace_id = @workspaceId and agent_user_id = @agentUserId and pinned
        order by updated_at desc limit 200
        """;

    public static ValueTask<ListResourcesResult> ListAsync(RequestContext<ListResourcesRequestParams> context, CancellationToken ct) =>
        ValueTask.FromResult(new ListResourcesResult { Resources = All });

    public static async ValueTask<ReadResourceResult> ReadAsync(RequestContext<ReadResourceRequestParams> context, CancellationToken ct)
    {
        var agent = McpAgentAuthentication.Agent(context.User!);
        var uri = context.Params?.Uri ?? "";
        var dataSource = context.Services!.GetRequiredService<NpgsqlDataSource>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var args = new { agentUserId = agent.UserId, workspaceId = agent.WorkspaceId };
        object content = uri switch
        {
            ChannelsUri => await conn.QueryAsync<ChannelTools.ChannelItem>(Cmd.For(ChannelTools.ChannelsSql, args, ct)),
            PinnedMemoriesUri => await conn.QueryAsync<MemoryView>(Cmd.For(PinnedSql, args, ct)),
            InboxUri => McpInbox.ToJson(await context.Services!.GetRequiredService<McpInbox>().PeekAsync(agent, 100, ct)),
            _ => throw new McpProtocolException($"No resource '{uri}'; see resources/list.", McpErrorCode.ResourceNotFound),
        };
        return new ReadResourceResult
        {
            Contents = [new TextResourceContents { Uri = uri, MimeType = "application/json", Text = JsonSerializer.Serialize(content, JsonSerializerOptions.Web) }],
        };
    }

    public static ValueTask<EmptyResult> SubscribeAsync(RequestContext<SubscribeRequestParams> context, CancellationToken ct)
    {
        var session = Session(context.Services!, context.User!, context.Server, context.Params?.Uri);
        session.Subscriptions[context.Params!.Uri] = true;
        return ValueTask.FromResult(new EmptyResult());
    }

    public static ValueTask<EmptyResult> UnsubscribeAsync(RequestContext<UnsubscribeRequestParams> context, CancellationToken ct)
    {
        var session = Session(context.Services!, context.User!, context.Server, context.Params?.Uri);
        session.Subscriptions.TryRemove(context.Params!.Uri, out _);
        return ValueTask.FromResult(new EmptyResult());
    }

    private static McpSessions.Session Session(IServiceProvider services, System.Security.Claims.ClaimsPrincipal user, McpServer server, string? uri)
    {
        if (All.All(r => r.Uri != uri)) throw new McpProtocolException($"No resource '{uri}'; see resources/list.", McpErrorCode.ResourceNotFound);
        var agent = McpAgentAuthentication.Agent(user);
        return services.GetRequiredService<McpSessions>().Find(agent.UserId, server)
               ?? throw new McpProtocolException("Subscriptions need a session (the Streamable HTTP transport with sessions).", McpErrorCode.InvalidRequest);
    }
}
