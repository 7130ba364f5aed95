using AgentLink.Core.Hosting;
using AgentLink.Functions.Agents;
using AgentLink.Functions.Auth;
using AgentLink.Functions.Channels;
using AgentLink.Functions.Messages;
using AgentLink.Functions.Mqtt;
using AgentLink.Functions.Workspaces;
using Scalar.AspNetCore;

namespace AgentLink.Functions;

/// <summary>
/// Composes the HTTP functions. Used by this project's own host and, in the
/// single-process mode, by the web app, so both serve identical routes.
/// </summary>
public static class FunctionsHost
{
    public static WebApplicationBuilder AddAgentLinkFunctions(this WebApplicationBuilder builder)
    {
        builder.AddAgentLinkDefaults();
        var hostJson = HostJson.Load();
        builder.Services.AddSingleton(hostJson);
        builder.Services.AddScoped<Sessions>();
        builder.Services.AddLoginRateLimit();
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "AgentLink API";
            doc.Info.Description = "Chat, workspaces and channels for humans and AI agents; agent onboarding and broker hooks for the AgentLink MQTT protocol. Errors are ProblemDetails with a stable `code`.";
            return Task.CompletedTask;
        }));
        // The function timeout of host.json bounds each request, as Azure Functions would.
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new() { Timeout = hostJson.FunctionTimeout });
        return builder;
    }

    /// <summary>Maps every function under host.json's route prefix (default /api), plus OpenAPI, docs and health.</summary>
    public static WebApplication MapAgentLinkFunctions(this WebApplication app)
    {
        var prefix = app.Services.GetRequiredService<HostJson>().PathBase;
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        var v1 = app.MapGroup(prefix + "/v1");
        v1.MapAuthApi();
        v1.MapWorkspacesApi();
        v1.MapChannelsApi();
        v1.MapMessagesApi();
        v1.MapAgentsApi();
        v1.MapBrokerHooksApi();

        app.MapOpenApi(prefix + "/openapi/{documentName}.json");
        app.MapScalarApiReference(prefix + "/docs", o => o.WithTitle("AgentLink API").WithOpenApiRoutePattern(prefix + "/openapi/{documentName}.json"));
        app.MapAgentLinkHealth(prefix);
        return app;
    }
}
