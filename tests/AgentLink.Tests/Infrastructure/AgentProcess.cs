using System.Diagnostics;

namespace AgentLink.Tests.Infrastructure;

/// <summary>The demo agent as its own OS process, so a test can kill it the way a crash would.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AgentProcess(Process process) => _process = process;

    public static Task<AgentProcess> StartAsync(string url, string apiKey, string agentId, string name, int keepAliveSeconds, double workSeconds = 0.2,
        IEnumerable<string>? extraArgs = null)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(TestEnvironment.RepoRoot(), "mqtt-bridge", "AgentLink.DemoAgent", "bin", configuration, "net10.0", "AgentLink.DemoAgent.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution first (infra/build.sh).", dll);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--url", url, "--api-key", apiKey, "--agent-id", agentId, "--name", name, "--keepalive", keepAliveSeconds.ToString(), "--work-seconds", workSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        foreach (var arg in extraArgs ?? []) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return Task.FromResult(new AgentProcess(process));
    }

    /// <summary>SIGKILL: the agent says nothing; its socket closes and the broker sends its last will.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
