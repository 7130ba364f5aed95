using System.Text.Json;

namespace AgentLink.Core.Hosting;

/// <summary>
/// The settings of the repository's host.json that Azure Functions would honour:
/// the HTTP route prefix and the function timeout.
/// </summary>
public sealed record HostJson(string RoutePrefix, TimeSpan FunctionTimeout)
{
    public static readonly HostJson Default = new("api", TimeSpan.FromSeconds(30));

    /// <summary>Reads host.json from the app folder (it is copied beside the binaries), else the defaults.</summary>
    public static HostJson Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path)) return Default;
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = doc.RootElement;
        var prefix = Default.RoutePrefix;
        if (root.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var p) && p.ValueKind == JsonValueKind.String)
            prefix = p.GetString()!.Trim('/');
        var timeout = Default.FunctionTimeout;
        if (root.TryGetProperty("functionTimeout", out var t) && TimeSpan.TryParse(t.GetString(), out var parsed))
            timeout = parsed;
        return new HostJson(prefix, timeout);
    }

    /// <summary>"/api" for the default prefix, "" for an empty one.</summary>
    public string PathBase => RoutePrefix.Length == 0 ? "" : "/" + RoutePrefix;
}
