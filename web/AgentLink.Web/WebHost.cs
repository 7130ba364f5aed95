using AgentLink.Core.Hosting;
using AgentLink.Core.Options;
using AgentLink.Functions;
using AgentLink.Functions.Runtime;
using AgentLink.Web.Presence;
using AgentLink.Web.Relay;
using Yarp.ReverseProxy.Configuration;

namespace AgentLink.Web;

public static class WebHost
{
    public static WebApplicationBuilder AddAgentLinkWeb(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(WebOptions.Section);
        var web = section.Get<WebOptions>() ?? new WebOptions();
        builder.Services.AddOptions<WebOptions>().Bind(section)
            .Validate(o => o.HeartbeatSeconds is > 0 and <= 300, "AgentLink:Web:HeartbeatSeconds must be between 1 and 300.")
            .Validate(o => o.PresenceTtlSeconds >= 3, "AgentLink:Web:PresenceTtlSeconds must be at least 3.")
            .Validate(o => o.ResyncSeconds is >= 1 and <= 3600, "AgentLink:Web:ResyncSeconds must be between 1 and 3600.")
            .Validate(o => o.SessionCheckSeconds is >= 1 and <= 3600, "AgentLink:Web:SessionCheckSeconds must be between 1 and 3600.")
            .Validate(o => o.MaxReplayEvents >= 1, "AgentLink:Web:MaxReplayEvents must be at least 1.")
            .ValidateOnStart();

        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        if (web.HostsFunctions)
        {
            builder.AddAgentLinkFunctions();
        }
        else
        {
            var bus = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
            if (!bus.UsesRedis)
                throw new InvalidOperationException(
                    "AgentLink:Web:FunctionsUrl is set but AgentLink:Bus:Redis is not: a separate functions host reaches this relay only through Redis. " +
                    "Set AgentLink__Bus__Redis, or unset the functions URL to run the functions in this process.");
            builder.AddAgentLinkDefaults("agentlink-web");
            routes.Add(new RouteConfig { RouteId = "api", ClusterId = "functions", Match = new RouteMatch { Path = "/api/{**rest}" } });
            clusters.Add(new ClusterConfig
            {
                ClusterId = "functions",
                Destinations = new Dictionary<string, DestinationConfig> { ["functions"] = new() { Address = web.FunctionsUrl! } },
            });
        }
        // MCP is served by the bridge (beside the outbox it delivers from); the public origin forwards it,
        // so agents use one URL. Responses stream (SSE), which the proxy passes through unbuffered.
        if (web.ForwardsMcp)
        {
            var mcpPath = (builder.Configuration.GetSection(McpOptions.Section).Get<McpOptions>() ?? new McpOptions()).Path.TrimEnd('/');
            routes.Add(new RouteConfig { RouteId = "mcp", ClusterId = "bridge", Match = new RouteMatch { Path = mcpPath + "/{**rest}" } });
            clusters.Add(new ClusterConfig
            {
                ClusterId = "bridge",
                Destinations = new Dictionary<string, DestinationConfig> { ["bridge"] = new() { Address = web.BridgeUrl! } },
                HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromHours(1) },
            });
        }
        if (routes.Count > 0) builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);

        builder.Services.AddSingleton<WorkspaceTopicHub>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkspaceTopicHub>());
        builder.Services.AddSingleton<SessionStreams>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionStreams>());
        builder.Services.AddSingleton<ChannelEventStream>();
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PresenceTracker>());
        return builder;
    }

    public static WebApplication MapAgentLinkWeb(this WebApplication app)
    {
        var web = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebOptions>>().Value;
        // Static files go before routing: the app-shell fallback matches every path, and the
        // static file middleware steps aside for any request that already has an endpoint.
        app.UseSecurityHeaders();
        app.UseDefaultFiles();
        app.UseStaticFiles(AppFiles);
        app.UseRouting();
        // /api calls are authenticated by each function's gate (in this process or the functions
        // host), as each declares; the streams by the default policy (the session), on their own
        // routes only. There is no default authentication scheme (see AddAgentLinkAuth).
        app.UseAuthorization();
        if (!web.HostsFunctions || web.ForwardsMcp) app.MapReverseProxy();
        if (web.HostsFunctions)
        {
            app.MapAgentLinkFunctions(publicOrigin: true);
        }
        else
        {
            // The broker hooks are for the broker, on the internal network: never forwarded from the public origin.
            app.MapNotForwarded(FunctionCatalog.App, f => f.Policy.Caller == Caller.Broker, "/api");
            // The API reference page lives on the public origin; its document comes from the functions through the proxy.
            app.MapApiReference("/api");
        }

        var events = app.MapGroup("/events").RequireAuthorization();
        events.MapGet("/channels", ChannelEventStream.Handle);
        events.MapGet("/status", StatusEventStream.Handle);

        app.MapAgentLinkHealth();
        // Client-side routes (/w/..., /invite/...) load the app shell; unknown /api and /events
        // paths stay 404 problems rather than turning into the page.
        app.MapFallbackToFile("{*path:regex(^(?!api/|events/|mcp(/|$)).*$)}", "index.html", AppFiles);
        return app;
    }

    /// <summary>
    /// The build's files under /assets carry a content hash in their names, so they are cached for
    /// good; the page (index.html) is asked for again each time, so a new build is picked up at once.
    /// </summary>
    private static readonly StaticFileOptions AppFiles = new()
    {
        OnPrepareResponse = file =>
        {
            file.Context.Response.Headers.CacheControl = file.Context.Request.Path.StartsWithSegments("/assets")
                ? "public, max-age=31536000, immutable"
                : "no-cache";
        },
    };
}
