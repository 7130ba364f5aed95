namespace AgentLink.Tests.Infrastructure;

/// <summary>The bridge of a stack as its own OS process, so a test can kill it with SIGKILL and start it again.</summary>
public static class BridgeProcess
{
    public static Task<HostProcess> StartAsync(AppStack stack, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(stack.Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        return HostProcess.StartAsync(HostProcess.Kind.Bridge, settings);
    }
}
