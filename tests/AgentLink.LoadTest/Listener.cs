using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Headers;

namespace AgentLink.LoadTest;

/// <summary>
/// One SSE client. For every message whose text is "load {n}" it records the
/// delay since message n's POST was sent. It scans raw bytes for the markers
/// instead of decoding lines, so the harness leaves the CPU to the server it
/// measures (it shares the machine with it). Like the page in a visible tab, it
/// marks the channel read while messages arrive, at most once every two seconds.
/// </summary>
public sealed class Listener(Uri url, string token, Guid workspaceId, Run run, ReadReceipts? reads)
{
    private int _unread;

    private static readonly byte[] Marker = "\"text\":\"load "u8.ToArray();
    private static readonly byte[] Ready = "\"type\":\"ready\""u8.ToArray();

    public async Task<bool> ConnectAsync(CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, $"/events/channels?workspaceId={workspaceId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(ct));
        var ready = new TaskCompletionSource<bool>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var read = await reader.ReadAsync(ct);
                    var buffer = read.Buffer;
                    var at = Stopwatch.GetTimestamp();
                    // Consume whole lines only; a marker is never split across what is consumed.
                    while (buffer.PositionOf((byte)'\n') is { } end)
                    {
                        var line = buffer.Slice(0, end);
                        Inspect(line.IsSingleSegment ? line.FirstSpan : line.ToArray(), at, ready);
                        buffer = buffer.Slice(buffer.GetPosition(1, end));
                    }
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted) break;
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
            finally
            {
                await reader.CompleteAsync();
                http.Dispose();
            }
        }, CancellationToken.None);
        if (reads is not null) _ = Task.Run(() => reads.LoopAsync(token, () => Interlocked.Exchange(ref _unread, 0) == 1, ct), CancellationToken.None);
        return await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    /// <summary>Records message n if the bytes hold a "load n" marker (shared with the MQTT subscribers).</summary>
    public static void Scan(ReadOnlySpan<byte> bytes, long at, Run run)
    {
        var marker = bytes.IndexOf(Marker);
        if (marker < 0) return;
        var n = 0;
        var digits = 0;
        for (var i = marker + Marker.Length; i < bytes.Length && bytes[i] is >= (byte)'0' and <= (byte)'9'; i++, digits++)
            n = n * 10 + (bytes[i] - '0');
        if (digits > 0) run.Received(n, at);
    }

    private void Inspect(ReadOnlySpan<byte> line, long at, TaskCompletionSource<bool> ready)
    {
        var marker = line.IndexOf(Marker);
        if (marker < 0)
        {
            if (line.IndexOf(Ready) >= 0) ready.TrySetResult(true);
            return;
        }
        var n = 0;
        var digits = 0;
        for (var i = marker + Marker.Length; i < line.Length && line[i] is >= (byte)'0' and <= (byte)'9'; i++, digits++)
            n = n * 10 + (line[i] - '0');
        if (digits > 0)
        {
            run.Received(n, at);
            Volatile.Write(ref _unread, 1);
        }
    }
}
