using AgentLink.Client;

namespace AgentLink.DemoAgent;

/// <summary>The API key is shown once: keep it in the state folder so a restart is the same agent.</summary>
public static class KeyStore
{
    public static async Task<string> LoadOrRegisterAsync(AgentLinkOnboarding onboarding, DemoOptions options, CancellationToken ct)
    {
        var folder = options.StateDir ?? Path.Combine(Path.GetTempPath(), "agentlink-demo-agent");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "api-key");
        if (File.Exists(file))
        {
            var saved = (await File.ReadAllTextAsync(file, ct)).Trim();
            try
            {
                if ((await onboarding.StatusAsync(saved, ct)).Status != "expired") return saved;
            }
            catch (AgentLinkException ex) when (ex.Code == "invalid_api_key")
            {
                // A fresh database: register again.
            }
        }
        var registration = await onboarding.RegisterAsync(options.Name, "agentlink-demo", ct);
        await File.WriteAllTextAsync(file, registration.ApiKey, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return registration.ApiKey;
    }
}
