using System.Collections.Concurrent;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// A live stream that behaves as the browser's EventSource does: when it ends or cannot connect, it
/// tries again shortly, resuming with Last-Event-ID. Records every message.created it is given.
/// </summary>
public sealed class ResumingStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConcurrentQueue<(long Seq, Guid Id, string Text)> Messages { get; } = new();

    public ConcurrentQueue<string> Odd { get; } = new();

    public int Connections;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes on the first "ready": from then on the stream has a position and resumes from it.
    /// Before it, a message is not owed to this stream (it started after it), so wait for it before sending.
    /// </summary>
    public Task Ready => _ready.Task;

    public ResumingStream(string webUrl, string path, string token) => _loop = RunAsync(webUrl, path, token);

    private async Task RunAsync(string webUrl, string path, string token)
    {
        string? lastEventId = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var client = await SseClient.ConnectAsync(webUrl, path, token, lastEventId);
                Interlocked.Increment(ref Connections);
                await foreach (var e in client.ReadAllAsync(_stop.Token))
                {
                    if (e.Id is not null) lastEventId = e.Id;
                    if (e.Type == "ready") _ready.TrySetResult();
                    if (e.Type == "message.created")
                        Messages.Enqueue((e.Seq!.Value, e.Payload.GetProperty("id").GetGuid(), e.Payload.GetProperty("text").GetString()!));
                    else if (e.Type is "reset" or "session.ended") Odd.Enqueue(e.Type);
                }
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // Not reachable right now (a host restarting): try again, as EventSource does.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try { await Task.Delay(300, _stop.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
