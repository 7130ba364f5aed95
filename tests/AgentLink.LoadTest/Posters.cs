using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AgentLink.LoadTest;

/// <summary>People posting over HTTP, taking turns (so no one person goes over the per-person posting limit).</summary>
public sealed class Posters(Uri url, IReadOnlyList<string> tokens, Guid channelId)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = url,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<bool> SendAsync(int n)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/messages") { Content = JsonContent.Create(new { text = $"load {n} " }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[n % tokens.Count]);
        try
        {
            using var response = await _http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
