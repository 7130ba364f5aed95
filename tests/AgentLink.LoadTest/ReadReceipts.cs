using System.Net.Http.Headers;

namespace AgentLink.LoadTest;

/// <summary>The listeners' read receipts: POST /read at most every two seconds while messages arrive, as the page does.</summary>
public sealed class ReadReceipts(Uri url, Guid channelId)
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    private int _sent;
    private int _failed;

    public int Sent => Volatile.Read(ref _sent);

    public int Failed => Volatile.Read(ref _failed);

    public void Reset()
    {
        Volatile.Write(ref _sent, 0);
        Volatile.Write(ref _failed, 0);
    }

    public async Task LoopAsync(string token, Func<bool> takeUnread, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(Every, ct);
                if (!takeUnread()) continue;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{channelId}/read");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                try
                {
                    using var response = await _http.SendAsync(request, ct);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref _sent : ref _failed);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
