using System.Security.Cryptography;
using AgentLink.Core.Hosting;
using AgentLink.Core.Options;
using AgentLink.Functions;
using AgentLink.MqttBridge;
using AgentLink.MqttBridge.Mcp;
using AgentLink.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Infrastructure;

public enum BusMode
{
    /// <summary>Functions host and web host as separate apps, events through Redis, /api proxied.</summary>
    Redis,

    /// <summary>One process: the web host runs the functions, events on the in-memory bus.</summary>
    InMemory,
}

/// <summary>
/// The real hosts on real Kestrel ports (so SSE, cookies, the proxy and the
/// browser all behave as deployed), against this run's database. Each stack has
/// its own Redis channel prefix, so stacks never hear each other.
/// </summary>
public sealed class AppStack : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    public required string WebUrl { get; init; }

    public required string FunctionsUrl { get; init; }

    public required BusMode Mode { get; init; }

    /// <summary>The app that serves /api (the functions host, or the web host in single-process mode).</summary>
    public required IServiceProvider ApiServices { get; init; }

    /// <summary>The settings every host of this stack shares (a bridge started in another process gets them too).</summary>
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }

    /// <summary>The MQTT bridge, when the stack has one.</summary>
    public WebApplication? Bridge { get; private set; }

    /// <summary>Where agents connect: the embedded broker's port, or Mosquitto's.</summary>
    public int MqttPort { get; init; }

    /// <param name="configureApi">Extra service registrations for the host that serves /api (before its own; TryAdd defaults yield).</param>
    /// <param name="broker">Also start an MQTT bridge in this process, with the embedded broker or against Mosquitto.</param>
    public static async Task<AppStack> StartAsync(
        BusMode mode, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureApi = null, BrokerMode? broker = null,
        bool startBridge = true)
    {
        await TestEnvironment.EnsureDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = TestEnvironment.Database,
            ["AgentLink:Bus:ChannelPrefix"] = $"t{Guid.NewGuid():N}:",
            ["AgentLink:Auth:SigningSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)),
            ["AgentLink:Auth:LoginAttemptsPerMinute"] = "1000",
            // Tests sign up hundreds of people from one address; the limits themselves are tested with small numbers.
            ["AgentLink:RateLimits:SignupsPerHour"] = "100000",
            ["AgentLink:RateLimits:AgentRegistrationsPerHour"] = "100000",
            ["AgentLink:RateLimits:LoginAttemptsPerAccountPerMinute"] = "1000",
            ["AgentLink:RateLimits:MessagesPerMinute"] = "100000",
            ["AgentLink:RateLimits:StreamsPerMinute"] = "100000",
            ["AgentLink:Web:HeartbeatSeconds"] = "2",
            // Attachments in the stack's Azurite; the browser tests upload to it straight from the page.
            ["AgentLink:Files:BlobConnectionString"] = TestEnvironment.Storage,
            ["AgentLink:Files:CorsOrigins"] = "*",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
        };
        if (mode == BusMode.Redis) settings["AgentLink:Bus:Redis"] = TestEnvironment.Redis;
        // A bridge sweeps the whole outbox; with a shared database it would deliver other stacks' rows to its own broker.
        if (broker is not null) settings["AgentLink:Database:ConnectionString"] = await TestEnvironment.CreateIsolatedDatabaseAsync();
        // Its own topic root, so stacks sharing Mosquitto never hear each other's agents.
        var mqttPort = broker == BrokerMode.External ? TestEnvironment.MosquittoPort : TestEnvironment.FreePort();
        settings["AgentLink:Mqtt:TopicRoot"] = $"t{Guid.NewGuid():N}"[..12];
        settings["AgentLink:Mqtt:Broker"] = (broker ?? BrokerMode.Embedded).ToString();
        settings["AgentLink:Mqtt:EmbeddedPort"] = mqttPort.ToString();
        settings["AgentLink:Mqtt:EmbeddedBindAddress"] = "127.0.0.1";
        settings["AgentLink:Mqtt:PublicUrl"] = $"mqtt://127.0.0.1:{mqttPort}";
        settings["AgentLink:Mqtt:ExternalPort"] = mqttPort.ToString();
        settings["AgentLink:Mqtt:BridgeUsername"] = "";
        settings["AgentLink:Mqtt:BridgeClientId"] = $"bridge-{Guid.NewGuid():N}";
        // The broker hooks are off without a secret (and an external-broker host refuses to start without one).
        settings["AgentLink:Mqtt:HookSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        // The bridge's HTTP port is known before the web host starts, which forwards /mcp to it (always a fresh
        // port: a second stack made from this one's settings runs its own bridge).
        if (broker is not null) settings["AgentLink:Web:BridgeUrl"] = $"http://127.0.0.1:{TestEnvironment.FreePort()}";

        var apps = new List<WebApplication>();
        string functionsUrl;
        if (mode == BusMode.Redis)
        {
            var functions = Create(settings);
            configureApi?.Invoke(functions.Services);
            functions.AddAgentLinkFunctions();
            var functionsApp = functions.Build();
            functionsApp.UseAgentLinkDefaults();
            functionsApp.MapAgentLinkFunctions();
            await functionsApp.StartAsync();
            apps.Add(functionsApp);
            functionsUrl = functionsApp.Urls.First();
            settings["AgentLink:Web:FunctionsUrl"] = functionsUrl;
        }
        else
        {
            functionsUrl = "";
        }

        var web = Create(settings);
        if (mode == BusMode.InMemory) configureApi?.Invoke(web.Services);
        web.AddAgentLinkWeb();
        var webApp = web.Build();
        webApp.UseAgentLinkDefaults();
        webApp.MapAgentLinkWeb();
        await webApp.StartAsync();
        apps.Add(webApp);

        var stack = new AppStack
        {
            WebUrl = webApp.Urls.First(),
            FunctionsUrl = functionsUrl.Length > 0 ? functionsUrl : webApp.Urls.First(),
            Mode = mode,
            ApiServices = apps[0].Services,
            Settings = settings,
            MqttPort = mqttPort,
        };
        stack._apps.AddRange(apps);
        if (broker is not null && startBridge) await stack.StartBridgeAsync();
        return stack;
    }

    public string Database => Settings["AgentLink:Database:ConnectionString"]!;

    /// <summary>A query on this stack's database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Database);
        return await Dapper.SqlMapper.ExecuteScalarAsync<T>(conn, sql, args) ?? default!;
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var conn = new Npgsql.NpgsqlConnection(Database);
        await Dapper.SqlMapper.ExecuteAsync(conn, sql, args);
    }

    /// <summary>Polls until the query returns the expected value (for what becomes true asynchronously).</summary>
    public async Task<T> EventuallyAsync<T>(string sql, object? args, T expected, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        T value;
        while (!Equals(value = await ScalarAsync<T>(sql, args), expected) && DateTime.UtcNow < until) await Task.Delay(50);
        return value;
    }

    /// <summary>Starts (or restarts) the in-process bridge with this stack's settings.</summary>
    public async Task StartBridgeAsync()
    {
        var builder = Create(new Dictionary<string, string?>(Settings));
        if (Settings.GetValueOrDefault("AgentLink:Web:BridgeUrl") is { Length: > 0 } bridgeUrl) builder.WebHost.UseUrls(bridgeUrl);
        builder.AddAgentLinkBridge();
        var bridge = builder.Build();
        bridge.UseAgentLinkDefaults();
        bridge.MapAgentLinkHealth();
        bridge.MapAgentLinkMcp();
        await bridge.StartAsync();
        Bridge = bridge;
        _apps.Insert(0, bridge);
    }

    public async Task StopBridgeAsync()
    {
        if (Bridge is not { } bridge) return;
        _apps.Remove(bridge);
        Bridge = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await bridge.StopAsync(timeout.Token);
        await bridge.DisposeAsync();
    }

    /// <summary>Builds a host the way Program.Main does, with test settings; throws what the host would throw on start.</summary>
    public static WebApplicationBuilder Create(IDictionary<string, string?> settings, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    public ApiClient Client() => new(new HttpClient { BaseAddress = new Uri(WebUrl), Timeout = TimeSpan.FromSeconds(30) });

    public Task<SseClient> ChannelEventsAsync(ApiClient as_, Guid workspaceId, string? lastEventId = null) =>
        SseClient.ConnectAsync(WebUrl, $"/events/channels?workspaceId={workspaceId}", as_.Token, lastEventId);

    public Task<SseClient> StatusEventsAsync(ApiClient as_, Guid workspaceId) =>
        SseClient.ConnectAsync(WebUrl, $"/events/status?workspaceId={workspaceId}", as_.Token);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token);
            await app.DisposeAsync();
        }
    }
}

/// <summary>One stack per test class (xunit class fixture), started before its first test.</summary>
public abstract class StackFixture(BusMode mode) : IAsyncLifetime
{
    public AppStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() => Stack = await AppStack.StartAsync(mode);

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

public sealed class RedisStackFixture() : StackFixture(BusMode.Redis);

public sealed class InMemoryStackFixture() : StackFixture(BusMode.InMemory);

/// <summary>A Redis stack plus an MQTT bridge (embedded broker or Mosquitto), one per test class.</summary>
public abstract class BridgeStackFixture(BrokerMode broker, IDictionary<string, string?>? overrides = null) : IAsyncLifetime
{
    public AppStack Stack { get; private set; } = null!;

    public BrokerMode Broker => broker;

    public async Task InitializeAsync() => Stack = await AppStack.StartAsync(BusMode.Redis, overrides, broker: broker);

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

public sealed class EmbeddedBrokerFixture() : BridgeStackFixture(BrokerMode.Embedded);

public sealed class MosquittoFixture() : BridgeStackFixture(BrokerMode.External);
