using System.Text;

namespace AgentLink.Web.Relay;

/// <summary>Writes the text/event-stream framing; one writer per response, used from one task.</summary>
public sealed class SseWriter(HttpResponse response)
{
    public static async Task<SseWriter> StartAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        // Tell EventSource to retry quickly; it resumes with Last-Event-ID.
        await response.WriteAsync("retry: 2000\n\n", http.RequestAborted);
        await response.Body.FlushAsync(http.RequestAborted);
        return new SseWriter(response);
    }

    public async Task EventAsync(string? id, string json, CancellationToken ct)
    {
        var frame = new StringBuilder(json.Length + 32);
        if (id is not null) frame.Append("id: ").Append(id).Append('\n');
        frame.Append("data: ").Append(json).Append("\n\n");
        await response.WriteAsync(frame.ToString(), ct);
        await response.Body.FlushAsync(ct);
    }

    public async Task HeartbeatAsync(CancellationToken ct)
    {
        await response.WriteAsync(": heartbeat\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
