using Npgsql;

namespace AgentLink.Core.Data;

/// <summary>How a failed database call is handled: retried, refused, or cleaned up after.</summary>
public static class DbFailures
{
    /// <summary>The database could not be reached, or asked us to retry (deadlock, serialization, shutdown): trying again may work.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// A store the request needs is down or restarting (PostgreSQL unreachable, shutting down, or out of
    /// connections; Redis unreachable): the caller should answer 503 and the client try again.
    /// </summary>
    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is NpgsqlException { IsTransient: true } or StackExchange.Redis.RedisConnectionException) return true;
        return false;
    }

    /// <summary>PostgreSQL refused a value (class 22, data exception: 22021 a NUL in text, 22P02 bad input...): the input's fault.</summary>
    public static bool IsRefusedValue(Exception ex) => ex is PostgresException { SqlState: [ '2', '2', .. ] };

    /// <summary>
    /// After a refused value, drops the pool's connections. Npgsql 10.0.3 auto-prepares statements;
    /// when the execution that prepares one fails while binding a parameter (as 22021 does), the
    /// connection's prepared-statement bookkeeping is left wrong and the next use of that statement
    /// on it fails with "Received unexpected backend message DataRow" (npgsql/npgsql#6391). That
    /// connection has gone back to the pool by now, so the pool is cleared: idle connections close,
    /// busy ones close when returned. Values are refused before they reach the database
    /// (<see cref="Text.TextRules"/>), so this is a backstop that should not run.
    /// </summary>
    public static void AfterRefusedValue(NpgsqlDataSource dataSource, Exception ex)
    {
        if (IsRefusedValue(ex)) dataSource.Clear();
    }
}
