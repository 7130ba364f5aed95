using AgentLink.Core.Options;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Core.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers one pooled <see cref="NpgsqlDataSource"/> (with pgvector types) for the process.</summary>
    public static IServiceCollection AddAgentLinkData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                "AgentLink:Database:ConnectionString is required (environment variable AgentLink__Database__ConnectionString).")
            .ValidateOnStart();
        services.AddSingleton(sp => CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        return services;
    }

    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        DapperConventions.Apply();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Every query here is one of a few dozen fixed statements; preparing them spares PostgreSQL
        // parsing and planning each call (it was the largest CPU user under load). A connection
        // string that sets Max Auto Prepare itself wins.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 100;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        // Our statements leave no session state behind (no session SET: memory search's SET LOCAL ends
        // with its transaction; no temp tables; the migrator
        // releases its advisory lock), so the reset round trip on every pool return is pure cost.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.UseVector();
        return builder.Build();
    }
}

/// <summary>Process-wide Dapper settings: snake_case columns map to PascalCase members.</summary>
public static class DapperConventions
{
    private static int _applied;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new VectorHandler());
    }

    /// <summary>pgvector's Vector as a Dapper parameter (typed, so a null one still reads as a vector) and column.</summary>
    private sealed class VectorHandler : SqlMapper.TypeHandler<Pgvector.Vector?>
    {
        public override void SetValue(System.Data.IDbDataParameter parameter, Pgvector.Vector? value)
        {
            parameter.Value = value is null ? DBNull.Value : value;
            if (parameter is NpgsqlParameter npgsql) npgsql.DataTypeName = "vector";
        }

        public override Pgvector.Vector? Parse(object value) => value as Pgvector.Vector;
    }
}
