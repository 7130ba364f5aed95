using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentLink.Core.Telemetry;

/// <summary>
/// OpenTelemetry for every host: traces (ASP.NET Core, outgoing HTTP, Npgsql, AgentLink's own spans)
/// and metrics (ASP.NET Core, runtime, AgentLink's). Exported over OTLP when an endpoint is configured
/// (OTEL_EXPORTER_OTLP_ENDPOINT, the standard variable), and to the console with
/// AgentLink:Telemetry:Console=true; with neither, spans are still created (trace ids still travel
/// in the envelopes) but nothing is exported.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddAgentLinkTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = configuration.GetValue("AgentLink:Telemetry:Console", false);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t =>
            {
                t.AddSource(AgentLinkTelemetry.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.Value!.Contains("/health", StringComparison.Ordinal))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
                if (otlp) t.AddOtlpExporter();
                if (console) t.AddConsoleExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(AgentLinkTelemetry.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation();
                if (otlp) m.AddOtlpExporter();
            });
        return services;
    }
}
