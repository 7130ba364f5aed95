using AgentLink.Core.Data;
using Npgsql;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// The real servers the tests use, started by infra/test.sh (or infra/stack.sh up).
/// Each test run gets a fresh database, migrated by the same migrator as production.
/// </summary>
public static class TestEnvironment
{
    public static string PgPort => Environment.GetEnvironmentVariable("AGENTLINK_PG_PORT") ?? "55432";

    public static string RedisPort => Environment.GetEnvironmentVariable("AGENTLINK_REDIS_PORT") ?? "56379";

    public static string Redis => $"127.0.0.1:{RedisPort}";

    public static int AzuritePort => int.Parse(Environment.GetEnvironmentVariable("AGENTLINK_AZURITE_PORT") ?? "51000");

    /// <summary>The stack's Azurite, with its well-known development account (what AzureWebJobsStorage points at locally).</summary>
    public static string Storage =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{AzuritePort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{AzuritePort + 1}/devstoreaccount1;";

    public static int MosquittoPort => int.Parse(Environment.GetEnvironmentVariable("AGENTLINK_MOSQUITTO_PORT") ?? "51883");

    /// <summary>A TCP port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The repository root (where AgentLink.sln is), found from the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentLink.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Run the tests from a checkout.");
    }

    private static readonly string DatabaseName = $"agentlink_test_{Environment.ProcessId}";

    public static string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={PgPort};Database={database};Username=agentlink;Password=agentlink-dev;Maximum Pool Size=60";

    public static string Database => ConnectionString(DatabaseName);

    private static readonly Lazy<Task> Created = new(CreateDatabaseAsync);

    /// <summary>Creates and migrates this run's database once per test process.</summary>
    public static Task EnsureDatabaseAsync() => Created.Value;

    private static string TemplateName => DatabaseName + "_tpl";
    private static int _isolated;

    /// <summary>
    /// A fresh database of its own, cloned from a migrated template, for a stack whose background
    /// workers (the bridge's outbox sweep) would otherwise act on other stacks' rows.
    /// </summary>
    public static async Task<string> CreateIsolatedDatabaseAsync()
    {
        await EnsureDatabaseAsync();
        var name = $"{DatabaseName}_{Interlocked.Increment(ref _isolated)}";
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await new NpgsqlCommand($"create database \"{name}\" template \"{TemplateName}\"", admin).ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static async Task CreateDatabaseAsync()
    {
        await using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            // Databases of earlier runs that died before cleaning up.
            await using (var list = new NpgsqlCommand("select datname from pg_database where datname like 'agentlink_test_%'", admin))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                var stale = new List<string>();
                while (await reader.ReadAsync()) stale.Add(reader.GetString(0));
                await reader.CloseAsync();
                foreach (var name in stale)
                    await new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin).ExecuteNonQueryAsync();
            }
            await new NpgsqlCommand($"create database \"{DatabaseName}\"", admin).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"create database \"{TemplateName}\"", admin).ExecuteNonQueryAsync();
        }
        foreach (var database in new[] { Database, ConnectionString(TemplateName) })
        {
            await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(database);
            await new SchemaMigrator(dataSource).MigrateAsync();
        }
        // Nothing may stay connected to the template, or cloning it fails.
        NpgsqlConnection.ClearAllPools();
    }

    public static async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(Database);
        return await Dapper.SqlMapper.ExecuteScalarAsync<T>(conn, sql, args) ?? default!;
    }

    public static async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(Database);
        await Dapper.SqlMapper.ExecuteAsync(conn, sql, args);
    }
}
