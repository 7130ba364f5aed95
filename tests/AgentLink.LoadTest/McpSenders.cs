using ModelContextProtocol.Client;

namespace AgentLink.LoadTest;

/// <summary>
/// N agents in the load workspace that post over MCP (--agents N --mcp): onboarded as real ones (Team.OnboardAgentsAsync),
/// each with its own MCP session on the app's /mcp, through the web host's forward to the bridge. Message n is post_message by agent n mod N; it
/// counts as accepted when the tool call returns, which is after the commit.
/// </summary>
public sealed class McpSenders : IAsyncDisposable
{
    private readonly List<McpClient> _clients = [];
    private Guid _channelId;

    public static async Task<McpSenders> CreateAsync(Uri url, Team team, int count)
    {
        var senders = new McpSenders { _channelId = team.ChannelId };
        var (apiKey, _) = await team.OnboardAgentsAsync(url, "load MCP agents", Enumerable.Range(0, count).Select(i => ($"mcp-{i}", $"MCP agent {i}")).ToList());
        for (var i = 0; i < count; i++)
        {
            var transport = new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(url, "/mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}", ["X-AgentLink-Agent"] = $"mcp-{i}" },
            });
            senders._clients.Add(await McpClient.CreateAsync(transport));
        }
        return senders;
    }

    public async Task<bool> SendAsync(int n)
    {
        var result = await _clients[n % _clients.Count].CallToolAsync("post_message",
            new Dictionary<string, object?> { ["channelId"] = _channelId.ToString(), ["text"] = $"load {n} " });
        return result.IsError != true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }
}
