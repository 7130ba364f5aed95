using System.Net.Http.Json;
using AgentLink.Client;
using ModelContextProtocol.Client;

namespace AgentLink.LoadTest;

/// <summary>
/// N agents in the load workspace that post over MCP (--agents N --mcp): onboarded as real ones (one
/// registration claimed by the owner, N agent ids connected), each with its own MCP session on the app's
/// /mcp, through the web host's forward to the bridge. Message n is post_message by agent n mod N; it
/// counts as accepted when the tool call returns, which is after the commit.
/// </summary>
public sealed class McpSenders : IAsyncDisposable
{
    private readonly List<McpClient> _clients = [];
    private Guid _channelId;

    public static async Task<McpSenders> CreateAsync(Uri url, Team team, int count)
    {
        var senders = new McpSenders { _channelId = team.ChannelId };
        var onboarding = new AgentLinkOnboarding(url.ToString());
        var registration = await onboarding.RegisterAsync("load MCP agents", "load-test");
        (await team.Owner.PostAsJsonAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId }))
            .EnsureSuccessStatusCode();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(20))
        {
            await onboarding.ConnectAsync(registration.ApiKey, chunk.Select(i => ($"mcp-{i}", $"MCP agent {i}")));
            foreach (var i in chunk)
            {
                var transport = new HttpClientTransport(new HttpClientTransportOptions
                {
                    Endpoint = new Uri(url, "/mcp"),
                    TransportMode = HttpTransportMode.StreamableHttp,
                    AdditionalHeaders = new Dictionary<string, string>
                    {
                        ["Authorization"] = $"Bearer {registration.ApiKey}",
                        ["X-AgentLink-Agent"] = $"mcp-{i}",
                    },
                });
                senders._clients.Add(await McpClient.CreateAsync(transport));
            }
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
