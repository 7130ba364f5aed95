using System.Diagnostics;
using System.Net.Sockets;

namespace AgentLink.Tests.Infrastructure;

/// <summary>A Redis server of the test's own, which the test may kill and start again (the shared one must stay up).</summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = TestEnvironment.FreePort();

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedis> StartNewAsync()
    {
        var redis = new PrivateRedis();
        await redis.StartAsync();
        return redis;
    }

    public async Task StartAsync()
    {
        _process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", ""])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = _process.StandardOutput.ReadToEndAsync();
        _ = _process.StandardError.ReadToEndAsync();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await AnswersAsync())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"redis-server did not start on port {Port}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server outright, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            await using var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
