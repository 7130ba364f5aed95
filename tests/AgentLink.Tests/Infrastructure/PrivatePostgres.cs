using System.Diagnostics;
using AgentLink.Core.Data;
using Npgsql;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of the test's own (initdb in a temporary folder, run as the postgres user),
/// which the test may stop and start again; the shared one must stay up for everyone else.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = Path.Combine("/var/tmp", $"agentlink-pg-{Guid.NewGuid():N}");

    public int Port { get; } = TestEnvironment.FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=agentlink;Username=agentlink;Password=agentlink-dev";

    public static async Task<PrivatePostgres> StartNewAsync()
    {
        var pg = new PrivatePostgres();
        Directory.CreateDirectory(pg._dir);
        await RunAsync("chown", "postgres:postgres", pg._dir);
        await RunAsync("chmod", "700", pg._dir);
        await AsPostgresAsync($"{Bin}/initdb", "-D", pg._dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await pg.StartAsync();
        await using (var admin = new NpgsqlConnection($"Host=127.0.0.1;Port={pg.Port};Database=postgres;Username=postgres"))
        {
            await admin.OpenAsync();
            foreach (var sql in new[] { "create role agentlink login password 'agentlink-dev'", "create database agentlink owner agentlink" })
                await new NpgsqlCommand(sql, admin).ExecuteNonQueryAsync();
        }
        await using (var vector = new NpgsqlConnection($"Host=127.0.0.1;Port={pg.Port};Database=agentlink;Username=postgres"))
        {
            await vector.OpenAsync();
            await new NpgsqlCommand("create extension vector", vector).ExecuteNonQueryAsync();
        }
        await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(pg.ConnectionString);
        await new SchemaMigrator(dataSource).MigrateAsync();
        return pg;
    }

    public Task StartAsync() => AsPostgresAsync($"{Bin}/pg_ctl", "-D", _dir, "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "30",
        "-o", $"-h 127.0.0.1 -p {Port} -k /tmp -c fsync=off -c max_connections=200", "start");

    /// <summary>An immediate shutdown: connections are cut, as a crash or a failover would.</summary>
    public Task StopAsync() => AsPostgresAsync($"{Bin}/pg_ctl", "-D", _dir, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (InvalidOperationException) { /* Already stopped. */ }
        Directory.Delete(_dir, recursive: true);
        NpgsqlConnection.ClearAllPools();
    }

    private static Task AsPostgresAsync(string file, params string[] args) => RunAsync("runuser", ["-u", "postgres", "--", file, .. args]);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await output}{await error}");
    }
}
