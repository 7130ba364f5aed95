namespace AgentLink.Web.Relay;

/// <summary>The last event of a stream whose session ended: the page signs in again instead of reconnecting.</summary>
internal static class SessionEnded
{
    private const string Json = """{"type":"session.ended"}""";

    public static async Task TellAsync(SseWriter writer, HttpContext http)
    {
        if (http.RequestAborted.IsCancellationRequested) return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await writer.EventAsync(null, Json, timeout.Token);
        }
        catch (Exception)
        {
            // The browser is gone already.
        }
    }
}
