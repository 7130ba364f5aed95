using AgentLink.Core.Hosting;
using AgentLink.Functions.Runtime;
using Microsoft.Azure.Functions.Worker.Builder;

namespace AgentLink.Functions;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["migrate", .. var rest]) return await MigrateCommand.RunAsync(rest);
        if (args is ["openapi", .. var output]) return await OpenApiCommand.RunAsync(output);

        if (IsUnderFunctionsHost(args))
        {
            // The Azure Functions isolated worker: the host routes HTTP requests and fires timers.
            var worker = FunctionsApplication.CreateBuilder(args);
            worker.ConfigureFunctionsWebApplication();
            worker.AddAgentLinkFunctionServices();
            worker.UseMiddleware<WorkerGateMiddleware>();
            await worker.Build().RunAsync();
            return 0;
        }

        // Standalone: the same functions on Kestrel, timers on our scheduler. The content root is the
        // app's folder, not the working directory: settings files are looked up (and watched) there,
        // and watching a large working directory (a repository) cost ~170 ms of every start.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddAgentLinkFunctions();
        var app = builder.Build();
        app.UseAgentLinkDefaults();
        app.MapAgentLinkFunctions();
        await app.RunAsync();
        return 0;
    }

    /// <summary>The Functions host starts its worker with --functions-uri (or the same setting in the environment).</summary>
    public static bool IsUnderFunctionsHost(string[] args) =>
        args.Any(a => a.StartsWith("--functions-uri", StringComparison.Ordinal))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"));
}
