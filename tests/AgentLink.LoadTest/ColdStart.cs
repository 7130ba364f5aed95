using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentLink.LoadTest;

/// <summary>
/// --cold-start DLL [--runs N]: starts the standalone host in DLL N times and measures process
/// start to ready (the first 200 from /api/health/ready, which opens a database connection),
/// and to live (the first answer at all). The child inherits this process's environment, so
/// run it with the stack's settings (infra/coldstart.sh does).
/// </summary>
public static class ColdStart
{
    public static async Task RunAsync(string dll, int runs)
    {
        Console.WriteLine($"cold start of {Path.GetFileName(dll)}: {runs} runs; {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var live = new List<double>();
        var ready = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var port = FreePort();
            var started = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            double? liveMs = null, readyMs = null;
            while (readyMs is null && started.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/api/health/ready");
                    liveMs ??= started.Elapsed.TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.OK) readyMs = started.Elapsed.TotalMilliseconds;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                if (readyMs is null) await Task.Delay(2);
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            if (readyMs is null) throw new InvalidOperationException($"run {i + 1}: the host did not become ready in 30 s (exit code {(process.HasExited ? process.ExitCode : -1)}).");
            live.Add(liveMs!.Value);
            ready.Add(readyMs.Value);
            Console.WriteLine($"run {i + 1,2}: listening {liveMs,6:F0} ms, ready {readyMs,6:F0} ms");
        }
        Console.WriteLine($"process start -> ready: min {ready.Min():F0} ms, median {Percentile(ready, 50):F0} ms, p90 {Percentile(ready, 90):F0} ms, max {ready.Max():F0} ms");
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
