using AgentLink.Client;

namespace AgentLink.LoadTest;

/// <summary>
/// N agents in the load workspace, onboarded as real ones (one registration claimed by the
/// owner, N agent ids connected) and connected with the client library. Message n is published by agent n mod N
/// as a QoS 1 message.post to #general; it counts as accepted on its PUBACK, which the
/// embedded broker sends only after the commit.
/// </summary>
public sealed class AgentSenders : IAsyncDisposable
{
    private readonly List<AgentLinkClient> _clients = [];
    private Guid _channelId;

    public static async Task<AgentSenders> CreateAsync(Uri url, Team team, int count)
    {
        var senders = new AgentSenders { _channelId = team.ChannelId };
        var (_, connected) = await team.OnboardAgentsAsync(url, "load agents", Enumerable.Range(0, count).Select(i => ($"load-{i}", $"Load agent {i}")).ToList());
        foreach (var info in connected)
            foreach (var agent in info.Agents)
            {
                // The senders listen to nothing: only the humans' SSE streams are measured.
                var client = new AgentLinkClient(info, agent.AgentId, new AgentLinkClientOptions { SubscribeToChannels = false });
                await client.ConnectAsync();
                senders._clients.Add(client);
            }
        return senders;
    }

    public async Task<bool> SendAsync(int n)
    {
        await _clients[n % _clients.Count].PostAsync(_channelId, $"load {n} ");
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
    }
}
