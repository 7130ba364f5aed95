using AgentLink.Core.Data;
using System.Reflection;
using Dapper;
using Npgsql;

namespace AgentLink.Core.Data;

/// <summary>
/// Applies the numbered SQL files embedded in this assembly, each once and in
/// order, each in its own transaction. Run by the explicit migrate step, never
/// as a side effect of serving. An advisory lock lets concurrent runs queue.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource)
{
    private const long MigrationLockKey = 0x4167656E744C6E6B; // "AgentLnk"

    public sealed record Migration(string Id, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadMigrations();

    /// <summary>Returns the ids applied by this call (empty when already current).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync("select pg_advisory_lock(@MigrationLockKey)", new { MigrationLockKey });
        try
        {
            await conn.ExecuteAsync(Cmd.For("""
                create table if not exists schema_migrations (
                    id text primary key,
                    applied_at timestamptz not null default now())
                """, null, ct));
            var applied = (await conn.QueryAsync<string>(Cmd.For("select id from schema_migrations", null, ct))).ToHashSet();
            var done = new List<string>();
            foreach (var migration in All.Where(m => !applied.Contains(m.Id)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(Cmd.For(migration.Sql, null, ct, tx));
                await conn.ExecuteAsync(Cmd.For("insert into schema_migrations (id) values (@Id)", new { migration.Id }, ct, tx));
                await tx.CommitAsync(ct);
                done.Add(migration.Id);
            }
            // A migration may have created the vector type; pooled connections must learn it.
            await conn.ReloadTypesAsync(ct);
            return done;
        }
        finally
        {
            await conn.ExecuteAsync("select pg_advisory_unlock(@MigrationLockKey)", new { MigrationLockKey });
        }
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new Migration(Path.GetFileNameWithoutExtension(n["migrations/".Length..]), Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
