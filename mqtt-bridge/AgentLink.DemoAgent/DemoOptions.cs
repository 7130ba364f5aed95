namespace AgentLink.DemoAgent;

public sealed record DemoOptions(string Url, string? StateDir, string? ApiKey, string Name, string AgentId, int? KeepAliveSeconds, double WorkSeconds = 2,
    string? AuditorName = null)
{
    public static DemoOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            values[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0 || !values.TryGetValue("url", out var url)) return null;
        int? keepAlive = values.TryGetValue("keepalive", out var k) && int.TryParse(k, out var seconds) ? seconds : null;
        // How long "working on" a task takes, so a person sees it in progress before it is done.
        var work = 2.0;
        if (values.TryGetValue("work-seconds", out var w) && (!double.TryParse(w, System.Globalization.CultureInfo.InvariantCulture, out work) || work < 0)) return null;
        return new DemoOptions(url, values.GetValueOrDefault("state"), values.GetValueOrDefault("api-key"),
            values.GetValueOrDefault("name") ?? "Demo Agent", values.GetValueOrDefault("agent-id") ?? "demo", keepAlive, work,
            // A second agent on the same registration (one claim brings both) that judges audits once marked as an auditor.
            values.GetValueOrDefault("with-auditor"));
    }
}
