using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace AgentLink.Tests.Infrastructure;

public sealed record SseEvent(string? Id, string Data, long ReceivedTimestamp)
{
    public JsonElement Json { get; } = JsonDocument.Parse(Data).RootElement.Clone();

    public string Type => Json.GetProperty("type").GetString()!;

    public long? Seq => Json.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;

    public JsonElement Payload => Json.GetProperty("data");
}

/// <summary>A minimal EventSource: reads a text/event-stream into a queue of events.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private Task _reader = Task.CompletedTask;

    public int Heartbeats { get; private set; }

    public string? LastEventId { get; private set; }

    public bool Ended { get; private set; }

    private SseClient(HttpClient http) => _http = http;

    public static async Task<SseClient> ConnectAsync(string baseUrl, string path, string token, string? lastEventId = null)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        var client = new SseClient(http);
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, client._stop.Token);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            http.Dispose();
            throw new HttpRequestException($"SSE {path} -> {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }
        var stream = await response.Content.ReadAsStreamAsync();
        client._reader = client.ReadAsync(stream);
        return client;
    }

    private async Task ReadAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        string? id = null;
        var data = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        if (id is not null) LastEventId = id;
                        _events.Writer.TryWrite(new SseEvent(id, string.Join('\n', data), Stopwatch.GetTimestamp()));
                    }
                    id = null;
                    data.Clear();
                }
                else if (line.StartsWith(':')) Heartbeats++;
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line[6..]);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        Ended = true;
        _events.Writer.TryComplete();
    }

    /// <summary>Every event, as it arrives, until the stream ends.</summary>
    public IAsyncEnumerable<SseEvent> ReadAllAsync(CancellationToken ct) => _events.Reader.ReadAllAsync(ct);

    /// <summary>The next event that matches, skipping others; throws on timeout.</summary>
    public async Task<SseEvent> NextAsync(Func<SseEvent, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (await _events.Reader.WaitToReadAsync(cts.Token))
                while (_events.Reader.TryRead(out var e))
                    if (match(e)) return e;
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException("No matching event arrived in time.");
    }

    public Task<SseEvent> NextAsync(string type, TimeSpan? timeout = null) => NextAsync(e => e.Type == type, timeout);

    /// <summary>Collects the next <paramref name="count"/> matching events.</summary>
    public async Task<List<SseEvent>> TakeAsync(int count, Func<SseEvent, bool> match, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        var taken = new List<SseEvent>();
        while (taken.Count < count)
            taken.Add(await NextAsync(match, until - DateTime.UtcNow));
        return taken;
    }

    /// <summary>Every event up to and including the first that matches <paramref name="marker"/> (the positive control after a negative check).</summary>
    public async Task<List<SseEvent>> UntilAsync(Func<SseEvent, bool> marker, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (await _events.Reader.WaitToReadAsync(cts.Token))
                while (_events.Reader.TryRead(out var e))
                {
                    events.Add(e);
                    if (marker(e)) return events;
                }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"The marker never arrived; got {events.Count} other events.");
    }

    /// <summary>Everything that has arrived and not been read, after letting the stream settle for <paramref name="quiet"/>.</summary>
    public async Task<List<SseEvent>> DrainAsync(TimeSpan quiet)
    {
        await Task.Delay(quiet);
        var drained = new List<SseEvent>();
        while (_events.Reader.TryRead(out var e)) drained.Add(e);
        return drained;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _reader; } catch (OperationCanceledException) { }
        _http.Dispose();
        _stop.Dispose();
    }
}
