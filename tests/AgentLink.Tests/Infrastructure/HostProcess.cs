using System.Diagnostics;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// One of the AgentLink hosts as its own OS process (the built dll of the same configuration as
/// these tests), so a test can SIGKILL it and start it again on the same address.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    public enum Kind { Functions, Web, Bridge }

    private readonly Kind _kind;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _healthPath;
    private Process? _process;

    public string Url { get; }

    private HostProcess(Kind kind, IReadOnlyDictionary<string, string?> settings, string url)
    {
        _kind = kind;
        _settings = settings;
        Url = url;
        _healthPath = kind == Kind.Functions ? "/api/health/ready" : "/health/ready";
    }

    public static string Dll(Kind kind)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var (folder, name) = kind switch
        {
            Kind.Functions => ("functions", "AgentLink.Functions"),
            Kind.Web => ("web", "AgentLink.Web"),
            _ => ("mqtt-bridge", "AgentLink.MqttBridge"),
        };
        var dll = Path.Combine(TestEnvironment.RepoRoot(), folder, name, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first (infra/build.sh).", dll);
    }

    public static async Task<HostProcess> StartAsync(Kind kind, IReadOnlyDictionary<string, string?> settings, string? url = null)
    {
        var host = new HostProcess(kind, settings, url ?? $"http://127.0.0.1:{TestEnvironment.FreePort()}");
        await host.StartAsync();
        return host;
    }

    /// <summary>Starts the process (again) and waits until it answers its readiness check.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Dll(_kind));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(Url);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in _settings) start.Environment[key.Replace(":", "__")] = value;
        var process = Process.Start(start)!;
        // AGENTLINK_TEST_HOST_LOGS=<folder> keeps each host's output (to see why a fault test failed).
        var logs = Environment.GetEnvironmentVariable("AGENTLINK_TEST_HOST_LOGS");
        if (!string.IsNullOrEmpty(logs))
        {
            Directory.CreateDirectory(logs);
            var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(logs, $"{_kind}-{new Uri(Url).Port}.log"), append: true) { AutoFlush = true });
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) log.WriteLine(line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) log.WriteLine(line); };
        }
        else
        {
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) throw new InvalidOperationException($"The {_kind} host exited with code {process.ExitCode}.");
            try
            {
                if ((await http.GetAsync(Url + _healthPath)).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        Kill();
        throw new TimeoutException($"The {_kind} host did not become ready.");
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
