using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// An agent speaking MCP to the bridge with the MCP client library, over real HTTP: its API key as a
/// bearer token, deliveries pushed on the session collected in <see cref="Deliveries"/>.
/// </summary>
public sealed class McpAgent : IAsyncDisposable
{
    public required McpClient Client { get; init; }

    /// <summary>Each delivery pushed as notifications/agentlink/delivery: {deliveryId, envelope}.</summary>
    public Channel<JsonObject> Deliveries { get; } = Channel.CreateUnbounded<JsonObject>();

    /// <summary>Resource URIs the server said changed (notifications/resources/updated).</summary>
    public Channel<string> ResourceUpdates { get; } = Channel.CreateUnbounded<string>();

    /// <summary>The MCP URL agents are given: the app's public origin, which forwards it to the bridge.</summary>
    public static string Endpoint(AppStack stack) => stack.WebUrl + "/mcp";

    public static async Task<McpAgent> ConnectAsync(AppStack stack, string apiKey, string? agent = null)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" };
        if (agent is not null) headers["X-AgentLink-Agent"] = agent;
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(Endpoint(stack)),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        });
        Channel<JsonObject> deliveries = Channel.CreateUnbounded<JsonObject>();
        Channel<string> updates = Channel.CreateUnbounded<string>();
        var client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "agentlink-tests", Version = "1.0" },
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new("notifications/agentlink/delivery", (n, _) =>
                    {
                        foreach (var d in n.Params!["deliveries"]!.AsArray()) deliveries.Writer.TryWrite(d!.AsObject());
                        return ValueTask.CompletedTask;
                    }),
                    new(NotificationMethods.ResourceUpdatedNotification, (n, _) =>
                    {
                        updates.Writer.TryWrite(n.Params!["uri"]!.GetValue<string>());
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        });
        var agentClient = new McpAgent { Client = client };
        // The handlers were bound before the object existed; hand them its channels.
        _ = Pump(deliveries, agentClient.Deliveries);
        _ = Pump(updates, agentClient.ResourceUpdates);
        return agentClient;
    }

    private static async Task Pump<T>(Channel<T> from, Channel<T> to)
    {
        await foreach (var item in from.Reader.ReadAllAsync()) to.Writer.TryWrite(item);
    }

    /// <summary>Calls a tool and returns its JSON answer; a tool error (isError) fails the test with its text.</summary>
    public async Task<JsonElement> CallAsync(string tool, object? args = null)
    {
        var arguments = args is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.SerializeToElement(args, JsonSerializerOptions.Web).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        var result = await Client.CallToolAsync(tool, arguments);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
        if (result.IsError == true) throw new InvalidOperationException($"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Calls a tool that must be refused; returns the MCP error (its JSON-RPC code and data.code).</summary>
    public async Task<McpProtocolException> RefusedAsync(string tool, object? args = null) =>
        await Assert.ThrowsAsync<McpProtocolException>(() => CallAsync(tool, args));

    public static string CodeOf(McpProtocolException e) => e.Data["code"] switch
    {
        JsonElement j => j.GetString()!,
        var other => other?.ToString() ?? "",
    };

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();
}
