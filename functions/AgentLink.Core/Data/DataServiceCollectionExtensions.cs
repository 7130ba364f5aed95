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
    }
}
