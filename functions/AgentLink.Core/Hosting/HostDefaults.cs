using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using AgentLink.Core.Agents;
using AgentLink.Core.Auth;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Http;
using AgentLink.Core.Options;
using AgentLink.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AgentLink.Core.Hosting;

/// <summary>What every AgentLink host sets up the same way: data, bus, auth, errors, health.</summary>
public static class HostDefaults
{
    /// <summary>
    /// Services every host registers: options, data, bus, auth, problems, agents, health. Takes any
    /// host builder: the ASP.NET Core hosts and the Functions worker (FunctionsApplicationBuilder).
    /// <paramref name="serviceName"/> names the host in traces and metrics (OTEL_SERVICE_NAME overrides it).
    /// </summary>
    public static IHostApplicationBuilder AddAgentLinkDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Quiet framework defaults (a console line per request costs more than the request);
        // inserted first so appsettings, environment variables and the command line override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Yarp"] = "Warning",
                // The Functions worker's own host logs every invocation at Information.
                ["Logging:LogLevel:Microsoft.Azure.Functions.Worker"] = "Warning",
                ["Logging:LogLevel:Host"] = "Warning",
            },
        });
        services.AddOptions<ChatLimits>().Bind(configuration.GetSection(ChatLimits.Section));
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<Limits.WindowLimiter>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.Events > TimeSpan.Zero && o.DeliveredOutbox > TimeSpan.Zero && o.AgentInbound > TimeSpan.Zero && o.Bookkeeping > TimeSpan.Zero,
                "AgentLink:Retention:Events, DeliveredOutbox, AgentInbound and Bookkeeping must be positive durations (d.hh:mm:ss).")
            .ValidateOnStart();
        // Billing is on only with Stripe keys; every host reads it (the bridge refuses paused workspaces' agents).
        services.AddOptions<BillingOptions>().Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.TrialDays >= 0 && o.WebhookToleranceSeconds > 0, "AgentLink:Billing:TrialDays must be 0 or more and WebhookToleranceSeconds positive.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.ProPriceId), "AgentLink:Billing:ProPriceId is required when Stripe keys are set.")
            .ValidateOnStart();
        // Attachments: on with a blob connection string, here or the Functions host's AzureWebJobsStorage.
        services.AddOptions<FilesOptions>().Bind(configuration.GetSection(FilesOptions.Section))
            .PostConfigure(o => { if (string.IsNullOrWhiteSpace(o.BlobConnectionString)) o.BlobConnectionString = configuration["AzureWebJobsStorage"]; })
            .Validate(o => o.MaxBytesFree > 0 && o.MaxBytesPro >= o.MaxBytesFree && o.UploadSasMinutes > 0 && o.ReadSasMinutes > 0 && o.AgentReadSasHours > 0,
                "AgentLink:Files: the size limits must be positive (Pro at least Free) and the URL lifetimes positive.")
            .ValidateOnStart();
        services.AddSingleton<Files.BlobStore>();
        // Memories: the offline MiniLM model unless a host registers another embedding generator first.
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.Section))
            .Validate(o => o.DuplicateThreshold is > 0 and <= 1 && o.SearchCandidates is >= 10 and <= 1000 && o.MaxContentLength > 0,
                "AgentLink:Memories: DuplicateThreshold must be in (0, 1], SearchCandidates 10..1000, MaxContentLength positive.")
            .Validate(o => o.Embeddings.Provider is "minilm" || o.Embeddings is { Provider: "openai", Endpoint.Length: > 0, Model.Length: > 0, Dimensions: > 0 and <= 2000 },
                "AgentLink:Memories:Embeddings: Provider is minilm (the default) or openai, which needs Endpoint, Model and Dimensions (1..2000).")
            .Validate(o => o.Embeddings.ReembedBatch is > 0 and <= 2048, "AgentLink:Memories:Embeddings:ReembedBatch must be 1..2048.")
            .ValidateOnStart();
        if (configuration.GetSection(MemoryOptions.Section).Get<MemoryOptions>()?.Embeddings is { Provider: "openai" } embedding)
            services.TryAddSingleton(Memories.ConfiguredEmbeddings.OpenAi(embedding));
        services.TryAddSingleton<Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>, Memories.MiniLmEmbeddings>();
        // The host that starts first after a model change switches the stored vectors over (see EmbeddingModels).
        services.AddHostedService<Memories.EmbeddingModelCheck>();
        services.AddSingleton<Memories.MemoryStore>();
        // Audits: judges' time limits, the key LLM API keys are sealed with, and the LLM judge's client.
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.AgentJudgeTimeoutMinutes > 0 && o.LlmJudgeTimeoutMinutes > 0 && o.LlmCallTimeoutSeconds > 0 && o.EvidenceCharsInPrompt >= 100
                     && o.EvidenceBudgetChars >= o.EvidenceCharsInPrompt,
                "AgentLink:Audits: the timeouts must be positive, EvidenceCharsInPrompt at least 100 and EvidenceBudgetChars at least that.")
            .ValidateOnStart();
        services.AddOptions<SecretOptions>().Bind(configuration.GetSection(SecretOptions.Section));
        // The bridge serves MCP; the functions name its URL in agent cards.
        services.AddOptions<McpOptions>().Bind(configuration.GetSection(McpOptions.Section))
            .Validate(o => o.OfferSeconds is >= 5 and <= 3600, "AgentLink:Mcp:OfferSeconds must be from 5 to 3600.")
            .Validate(o => o.Path.StartsWith('/'), "AgentLink:Mcp:Path must start with '/'.")
            .Validate(o => o.PresenceRefreshSeconds >= 1 && o.IdleMinutes >= 1, "AgentLink:Mcp:PresenceRefreshSeconds and IdleMinutes must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<Security.SecretBox>();
        services.TryAddSingleton<Audits.IJudgeChatClients, Audits.OpenAiJudgeChatClients>();
        services.AddSingleton<Audits.LlmJudge>();
        services.AddSingleton<Files.AttachmentLinks>();
        services.AddAgentLinkData(configuration);
        services.AddAgentLinkBus(configuration);
        services.AddAgentLinkAuth(configuration);
        services.AddAgentLinkProblemDetails();
        services.AddAgentLinkAgents(configuration);
        services.AddAgentLinkTelemetry(configuration, configuration["OTEL_SERVICE_NAME"] ?? serviceName);
        // Binding failures (bad JSON, wrong types, oversize bodies) throw in every environment and
        // the exception handler turns them into their own 4xx ProblemDetails, never a 500.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);

        var limits = configuration.GetSection(ChatLimits.Section).Get<ChatLimits>() ?? new ChatLimits();
        if (builder is WebApplicationBuilder web) web.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);

        services.AddHostedService<ConnectionWarmup>();
        var health = services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("postgres", tags: ["ready"]);
        if ((configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new()).UsesRedis)
            health.AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    /// <summary>Error handling and forwarded headers; call first in the pipeline.</summary>
    public static WebApplication UseAgentLinkDefaults(this WebApplication app)
    {
        // X-Forwarded-* from loopback (the web app forwarding /api to the functions host) and from the
        // configured proxies (AgentLink:Http:TrustedProxies): client addresses, the scheme and the host
        // are then the client's, so rate limits, Secure cookies and links handed to agents are right.
        var http = app.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();
        app.UseForwardedHeaders(http.ForwardedHeaders());
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when DbFailures.IsUnavailable(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            SuppressDiagnosticsCallback = ctx => ctx.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>/health/live (the process answers) and /health/ready (its dependencies answer) under <paramref name="prefix"/>.</summary>
    public static void MapAgentLinkHealth(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        endpoints.MapHealthChecks(prefix + "/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks(prefix + "/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous();
    }
}
