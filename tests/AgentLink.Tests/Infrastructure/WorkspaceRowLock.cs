using Npgsql;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// Holds the lock on a workspace's row, as a concurrent writer taking a sequence number would,
/// so a test can pause a request at the exact point where it waits for that lock (and change
/// things meanwhile), then let it go on.
/// </summary>
public sealed class WorkspaceRowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction _tx;
    private readonly string _database;
    private bool _released;

    private WorkspaceRowLock(NpgsqlConnection conn, NpgsqlTransaction tx, string database)
    {
        _conn = conn;
        _tx = tx;
        _database = database;
    }

    public static async Task<WorkspaceRowLock> HoldAsync(string connectionString, Guid workspaceId)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var tx = await conn.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand("select 1 from workspaces where id = @id for update", conn, tx))
        {
            cmd.Parameters.AddWithValue("id", workspaceId);
            await cmd.ExecuteScalarAsync();
        }
        return new WorkspaceRowLock(conn, tx, conn.Database);
    }

    /// <summary>How many other sessions of this database wait for a lock right now.</summary>
    public async Task<long> WaitersAsync()
    {
        await using var conn = new NpgsqlConnection(_conn.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "select count(*) from pg_stat_activity where datname = @db and wait_event_type = 'Lock' and pid <> @pid", conn);
        cmd.Parameters.AddWithValue("db", _database);
        cmd.Parameters.AddWithValue("pid", _conn.ProcessID);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until a request is blocked behind this lock.</summary>
    public async Task WaitForWaiterAsync(TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (await WaitersAsync() == 0)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("No request came to wait for the workspace row lock.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync();
        await _conn.DisposeAsync();
    }

    public async Task ReleaseAsync()
    {
        if (_released) return;
        _released = true;
        await _tx.CommitAsync();
    }
}
