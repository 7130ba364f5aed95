using AgentLink.Core.Hosting;
using Scalar.AspNetCore;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// The standalone runtime: the same functions on Kestrel, without the Functions host, for
/// local runs, tests, containers and the web app's single-process mode. Routes come from the
/// functions' own triggers (host.json's routePrefix applied), each call goes through the same
/// <see cref="FunctionGate"/> as under the host, and the timer functions run on their schedules.
/// </summary>
public static class StandaloneFunctions
{
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, Func<HttpFunction, bool>? include = null)
    {
        var prefix = endpoints.ServiceProvider.GetRequiredService<HostJson>().PathBase;
        foreach (var function in catalog.Http)
        {
            if (include is not null && !include(function)) continue;
            endpoints.MapMethods($"{prefix}/{function.Route}", function.Methods, Handler(function))
                .WithDisplayName(function.Name)
                .WithMetadata(function);
        }
        return endpoints;
    }

    private static RequestDelegate Handler(HttpFunction function)
    {
        var invoker = FunctionInvoker.For(function.Method);
        return http => RunAsync(http, function, invoker);
    }

    private static async Task RunAsync(HttpContext http, HttpFunction function, FunctionInvoker invoker)
    {
        var gate = http.RequestServices.GetRequiredService<FunctionGate>();
        var result = await gate.RunAsync(http, function, () => invoker.InvokeAsync(http));
        await result.ExecuteAsync(http);
    }

    /// <summary>
    /// On a host that forwards /api elsewhere (the web app in front of a functions host): answers the
    /// routes of the excluded functions itself with 404, so they are never forwarded.
    /// </summary>
    public static void MapNotForwarded(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, Func<HttpFunction, bool> excluded, string pathBase)
    {
        foreach (var function in catalog.Http.Where(excluded))
            endpoints.MapMethods($"{pathBase}/{function.Route}", function.Methods,
                http => ApiProblem.Write(http, StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No such resource."));
    }

    /// <summary>The interactive API reference (Scalar) over the functions' OpenAPI document.</summary>
    public static void MapApiReference(this IEndpointRouteBuilder endpoints, string pathBase) =>
        endpoints.MapScalarApiReference(pathBase + "/docs", o => o.WithTitle("AgentLink API").WithOpenApiRoutePattern(pathBase + "/openapi/{documentName}.json"))
            .AllowAnonymous();
}
