using AgentLink.Core.Options;

namespace AgentLink.Functions;

/// <summary>`AgentLink.Functions migrate`: applies pending SQL migrations and exits. The explicit migrate step.</summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var connectionString = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("migrate: AgentLink:Database:ConnectionString is required (environment variable AgentLink__Database__ConnectionString).");
            return 2;
        }
        await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(connectionString);
        var applied = await new SchemaMigrator(dataSource).MigrateAsync();
        Console.WriteLine(applied.Count == 0
            ? $"migrate: schema is current ({SchemaMigrator.All.Count} migrations)"
            : $"migrate: applied {string.Join(", ", applied)}");
        return 0;
    }
}
