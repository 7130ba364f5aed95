using System.Data;
using Dapper;

namespace AgentLink.Core.Data;

/// <summary>
/// A Dapper command carrying the caller's cancellation token, so a request that is cancelled
/// (the caller went away, or the function's time-out passed) also stops its query in PostgreSQL.
/// Every query goes through this.
/// </summary>
public static class Cmd
{
    public static CommandDefinition For(string sql, object? args, CancellationToken ct, IDbTransaction? tx = null) =>
        new(sql, args, tx, cancellationToken: ct);
}
