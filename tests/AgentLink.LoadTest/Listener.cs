using System.Diagnostics;
using System.Net.Http.Headers;

namespace AgentLink.LoadTest;

/// <summary>
/// One SSE client. For every "load {n} " message it records the delay since
/// message n's POST was sent. Reads raw lines and finds the marker without a
/// full JSON parse, so the tool spends its CPU on the server's work, not its own.
/// </summary>
public sealed class Listener(Uri url, string token, Guid workspaceId, Run run)
{
    private const string Marker = "\"text\":\"load ";

    public async Task<bool> ConnectAsync(CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, $"/events/channels?workspaceId={workspaceId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var ready = new TaskCompletionSource<bool>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                    if (line.Contains("\"type\":\"ready\"", StringComparison.Ordinal)) ready.TrySetResult(true);
                    var at = line.IndexOf(Marker, StringComparison.Ordinal);
                    if (at < 0) continue;
                    var start = at + Marker.Length;
                    var end = start;
                    while (end < line.Length && char.IsAsciiDigit(line[end])) end++;
                    if (end > start && int.TryParse(line.AsSpan(start, end - start), out var n)) run.Received(n, Stopwatch.GetTimestamp());
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            finally { http.Dispose(); }
        }, CancellationToken.None);
        return await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }
}
