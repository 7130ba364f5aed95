using System.Diagnostics;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// The bridge as its own OS process (the built AgentLink.MqttBridge.dll), configured with a
/// stack's settings, so a test can kill it with SIGKILL and start it again.
/// </summary>
public sealed class BridgeProcess : IAsyncDisposable
{
    private readonly Process _process;

    public string Url { get; }

    private BridgeProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public static async Task<BridgeProcess> StartAsync(AppStack stack, IDictionary<string, string?>? overrides = null)
    {
        // The bridge binary of the same build (Debug or Release) as these tests.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(TestEnvironment.RepoRoot(), "mqtt-bridge", "AgentLink.MqttBridge", "bin", configuration, "net10.0", "AgentLink.MqttBridge.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the solution first (infra/build.sh).", dll);
        var url = $"http://127.0.0.1:{TestEnvironment.FreePort()}";
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var settings = new Dictionary<string, string?>(stack.Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var bridge = new BridgeProcess(process, url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) throw new InvalidOperationException($"The bridge exited with code {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync(url + "/health/ready")).IsSuccessStatusCode) return bridge;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        await bridge.DisposeAsync();
        throw new TimeoutException("The bridge did not become ready.");
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
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
