using System.Buffers;
using System.Text;

namespace AgentLink.Web.Relay;

/// <summary>
/// Writes the text/event-stream framing; one writer per response, used from one task.
/// Writes are buffered until <see cref="FlushAsync"/>, so a burst costs one send.
/// </summary>
public sealed class SseWriter(HttpResponse response)
{
    public static async Task<SseWriter> StartAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        // Tell EventSource to retry quickly; it resumes with Last-Event-ID.
        await response.WriteAsync("retry: 2000\n\n", http.RequestAborted);
        await response.Body.FlushAsync(http.RequestAborted);
        return new SseWriter(response);
    }

    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    public static byte[] Frame(string? id, string json) => Encoding.UTF8.GetBytes(
        id is null ? $"data: {json}\n\n" : $"id: {id}\ndata: {json}\n\n");

    /// <summary>Copies a frame into the response buffer; nothing is sent until <see cref="FlushAsync"/>.</summary>
    public void Write(byte[] frame) => response.BodyWriter.Write(frame);

    public async Task EventAsync(string? id, string json, CancellationToken ct)
    {
        Write(Frame(id, json));
        await FlushAsync(ct);
    }

    public async Task FlushAsync(CancellationToken ct) => await response.BodyWriter.FlushAsync(ct);

    public async Task HeartbeatAsync(CancellationToken ct)
    {
        Write(Heartbeat);
        await FlushAsync(ct);
    }
}
