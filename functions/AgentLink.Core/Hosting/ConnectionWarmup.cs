using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace AgentLink.Core.Hosting;

/// <summary>
/// Opens the first PostgreSQL connection (Npgsql loads the server's types on it) and connects
/// Redis in the background while the host finishes starting, instead of inside the first request.
/// On two cores this takes a few hundred milliseconds off the time to the first answer; a failure
/// here is only logged: the first request tries again and reports it.
/// </summary>
public sealed class ConnectionWarmup(IServiceProvider services, ILogger<ConnectionWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                var redis = Task.Run(() => services.GetService<IConnectionMultiplexer>());
                await using (var conn = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken))
                await using (var cmd = new NpgsqlCommand("select 1", conn))
                    await cmd.ExecuteScalarAsync(cancellationToken);
                await redis;
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Warm-up connection failed; the first request will connect");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
