using AgentLink.Core.Data;
using AgentLink.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace AgentLink.Tests.Data;

/// <summary>
/// The backstop behind the NUL checks (DbFailures): Npgsql 10.0.3 breaks a connection when the
/// execution that auto-prepares a statement has a parameter refused while binding (22021);
/// the next use of that statement on that connection then fails with "Received unexpected
/// backend message DataRow" (npgsql/npgsql#6391). After a refused value the pool is cleared, so
/// the next caller never gets that connection.
/// </summary>
public sealed class AutoPrepareTests
{
    private const string Sql = "select count(*) from users where name = @name";

    [Fact]
    public async Task After_a_value_refused_while_its_statement_was_being_prepared_the_next_caller_gets_a_healthy_connection()
    {
        await TestEnvironment.EnsureDatabaseAsync();
        // One connection, so the next caller would get the same one; prepared on the second use, as in production.
        await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(TestEnvironment.Database + ";Maximum Pool Size=1");
        async Task<long> CountAsync(string name)
        {
            await using var conn = await dataSource.OpenConnectionAsync();
            return await conn.ExecuteScalarAsync<long>(Cmd.For(Sql, new { name }, CancellationToken.None));
        }

        await CountAsync("first use");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => CountAsync("second use, being prepared: nul\0"));
        Assert.Equal("22021", refused.SqlState);
        Assert.True(DbFailures.IsRefusedValue(refused));
        Assert.False(DbFailures.IsTransient(refused));
        DbFailures.AfterRefusedValue(dataSource, refused);

        for (var i = 0; i < 5; i++) Assert.Equal(0, await CountAsync($"later use {i}"));
    }
}
