using AgentLink.Core.Hosting;
using AgentLink.Core.Options;
using AgentLink.Functions.Auth;
using AgentLink.Functions.Runtime;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentLink.Functions;

/// <summary>
/// Composes the functions app. The services are the same in both runtimes; the standalone
/// runtime adds Kestrel routes and the timer scheduler (under the Functions host, the host
/// routes HTTP and fires timers). The web app's single-process mode uses the standalone runtime.
/// </summary>
public static class FunctionsHost
{
    /// <summary>What every function needs, under the Functions host or standalone.</summary>
    public static IHostApplicationBuilder AddAgentLinkFunctionServices(this IHostApplicationBuilder builder)
    {
        // Timer schedule defaults, first so that settings and environment variables override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = TimerSchedules.Defaults! });
        builder.AddAgentLinkDefaults("agentlink-functions");
        var services = builder.Services;
        services.TryAddSingleton(HostJson.Load());
        services.AddSingleton(FunctionCatalog.App);
        services.AddSingleton<FunctionGate>();
        services.AddSingleton<LicenseGate>();
        services.AddSingleton<Billing.StripeGateway>();
        services.AddSingleton<Files.AttachmentUploads>();
        services.AddSingleton<Files.Thumbnails>();
        services.AddSingleton<FunctionRateLimiter>();
        services.AddScoped<Sessions>();
        services.AddSingleton<Messages.ReadPositions>();
        // The agent's task route and the bulk change apply the same change as a person's edit.
        services.AddTransient<Tasks.UpdateTask>();
        services.AddSingleton<AgentLink.Core.Tasks.TaskChanges>();
        // With an external broker the hooks are how it authenticates agents; they must not be open.
        services.AddOptions<MqttOptions>()
            .Validate(o => o.Broker != BrokerMode.External || !string.IsNullOrEmpty(o.HookSecret),
                "AgentLink:Mqtt:HookSecret is required when AgentLink:Mqtt:Broker is External (environment variable AgentLink__Mqtt__HookSecret): " +
                "the broker's auth hooks must not answer anonymous callers.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>The standalone runtime's services: the functions' own, and their timers on a scheduler.</summary>
    public static WebApplicationBuilder AddAgentLinkFunctions(this WebApplicationBuilder builder)
    {
        builder.AddAgentLinkFunctionServices();
        builder.Services.AddHostedService<TimerScheduler>();
        return builder;
    }

    /// <summary>
    /// Maps the HTTP functions under host.json's route prefix (default /api), and the API reference page.
    /// <paramref name="publicOrigin"/>: the broker hooks are left out (they are for the broker, on the
    /// internal network, and never served on the origin browsers use).
    /// </summary>
    public static WebApplication MapAgentLinkFunctions(this WebApplication app, bool publicOrigin = false)
    {
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();
        app.MapFunctions(catalog, publicOrigin ? f => f.Policy.Caller != Caller.Broker : null);
        app.MapApiReference(app.Services.GetRequiredService<HostJson>().PathBase);
        return app;
    }
}
