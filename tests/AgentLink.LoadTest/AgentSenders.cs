using System.Net.Http.Json;
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
        // One registration with N agent ids (as one deployment of many agents would do it).
        var onboarding = new AgentLinkOnboarding(url.ToString());
        var registration = await onboarding.RegisterAsync("load agents", "load-test");
        (await team.Owner.PostAsJsonAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId }))
            .EnsureSuccessStatusCode();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(20))
        {
            var info = await onboarding.ConnectAsync(registration.ApiKey, chunk.Select(i => ($"load-{i}", $"Load agent {i}")));
            foreach (var i in chunk)
            {
                // The senders listen to nothing: only the humans' SSE streams are measured.
                var client = new AgentLinkClient(info, $"load-{i}", new AgentLinkClientOptions { SubscribeToChannels = false });
                await client.ConnectAsync();
                senders._clients.Add(client);
            }
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
