using System.Diagnostics;
using System.Text.Json;
using AgentLink.Functions.Runtime;
using AgentLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Functions;

/// <summary>
/// The functions app is one set of functions with two runtimes. What the Functions SDK writes into
/// functions.metadata (read by the Azure Functions host) and what the standalone runtime serves
/// must be the same table; every function must say who may call it; publishing must give an
/// artifact the host can run.
/// </summary>
public sealed class FunctionsAppTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private sealed record Entry(string Name, string Methods, string Route);

    /// <summary>The build output of the functions project in the configuration these tests were built in.</summary>
    private static string FunctionsBin() =>
        Path.Combine(TestEnvironment.RepoRoot(), "functions", "AgentLink.Functions", "bin", Configuration, "net10.0");

    /// <summary>Debug or Release: the folder above the test binaries' net10.0.</summary>
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    private static JsonElement[] Metadata(string folder) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "functions.metadata"))).RootElement.EnumerateArray().ToArray();

    private static JsonElement? Trigger(JsonElement function, string type) =>
        function.GetProperty("bindings").EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(b => b!.Value.GetProperty("type").GetString() == type);

    [Fact]
    public void Functions_metadata_lists_every_HTTP_route_and_timer_exactly_as_the_standalone_runtime_serves_them()
    {
        var metadata = Metadata(FunctionsBin());
        var fromMetadata = metadata
            .Where(f => Trigger(f, "httpTrigger") is not null)
            .Select(f =>
            {
                var t = Trigger(f, "httpTrigger")!.Value;
                var methods = string.Join(',', t.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order());
                return new Entry(f.GetProperty("name").GetString()!, methods, t.GetProperty("route").GetString()!);
            })
            .OrderBy(e => e.Name).ToList();

        // What Kestrel actually routes in the running standalone host.
        var served = fixture.Stack.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpFunction>() is not null)
            .Select(e => new Entry(
                e.Metadata.GetMetadata<HttpFunction>()!.Name,
                string.Join(',', e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Order()),
                e.RoutePattern.RawText!["/api/".Length..]))
            .OrderBy(e => e.Name).ToList();

        Assert.True(fromMetadata.Count >= 40, $"functions.metadata has only {fromMetadata.Count} HTTP functions");
        Assert.Equal(fromMetadata, served);

        var timers = metadata.Where(f => Trigger(f, "timerTrigger") is not null)
            .Select(f => (f.GetProperty("name").GetString(), Trigger(f, "timerTrigger")!.Value.GetProperty("schedule").GetString()))
            .OrderBy(t => t.Item1).ToList();
        var scheduled = FunctionCatalog.App.Timers.Select(t => ((string?)t.Name, (string?)t.Schedule)).OrderBy(t => t.Item1).ToList();
        Assert.Equal(["CollectDeletedAttachments", "DispatchTaskDeadlines", "FailSkillDeliveriesToOfflineAgents", "JudgeQueuedAudits", "MarkSilentAgentsOffline", "PruneExpiredRecords", "ReembedMemories", "RunScheduledAudits", "SweepAgentOutbox"], timers.Select(t => t.Item1));
        Assert.Equal(timers, scheduled);
    }

    [Fact]
    public void Every_HTTP_function_declares_who_may_call_it_and_takes_only_what_binds_in_both_runtimes()
    {
        var undeclared = FunctionCatalog.App.Http.Where(f => f.Policy.Caller is null).Select(f => f.Name).ToList();
        Assert.True(undeclared.Count == 0, "No [Caller] on: " + string.Join(", ", undeclared));
        // A workspace role can only be checked when the route names the workspace.
        Assert.All(FunctionCatalog.App.Http.Where(f => f.Policy.WorkspaceRole is not null), f => Assert.Contains("{workspaceId:guid}", f.Route));
        // Anonymous functions are a short, deliberate list.
        Assert.Equal(["GetAgentCard", "GetApiDescription", "HealthLive", "HealthReady", "ListAgentCards", "Login", "ReceiveStripeWebhook", "RegisterAgent", "Signup"],
            FunctionCatalog.App.Http.Where(f => f.Policy.Caller == Caller.Anyone).Select(f => f.Name).Order());
        // The signature check refuses what the worker would bind differently (here, a ClaimsPrincipal).
        var bad = typeof(FunctionsAppTests).GetMethod(nameof(NotAFunction), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var refused = Assert.Throws<InvalidOperationException>(() => FunctionInvoker.CheckBindable(bad));
        Assert.Contains("'user'", refused.Message);
    }

    private static Task NotAFunction(System.Security.Claims.ClaimsPrincipal user) => Task.CompletedTask;

    [Fact]
    public async Task Publishing_the_functions_project_gives_an_artifact_the_Functions_host_can_run()
    {
        var output = Directory.CreateTempSubdirectory("agentlink-publish-").FullName;
        try
        {
            var project = Path.Combine(TestEnvironment.RepoRoot(), "functions", "AgentLink.Functions");
            using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", project, "-c", Configuration, "--no-build", "-o", output, "-nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var log = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            Assert.True(publish.ExitCode == 0, log);

            // The host reads host.json, starts the worker that worker.config.json names, and loads the
            // extensions (the timer trigger) from .azurefunctions.
            var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "host.json"))).RootElement;
            Assert.Equal("2.0", host.GetProperty("version").GetString());
            Assert.Equal("api", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
            var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "worker.config.json"))).RootElement.GetProperty("description");
            Assert.Equal("dotnet-isolated", worker.GetProperty("language").GetString());
            var entry = worker.GetProperty("defaultWorkerPath").GetString()!;
            Assert.Equal("AgentLink.Functions.dll", entry);
            Assert.True(File.Exists(Path.Combine(output, entry)));
            Assert.True(File.Exists(Path.Combine(output, ".azurefunctions", "Microsoft.Azure.Functions.Worker.Extensions.dll")));
            // The host-side extensions the triggers need: HTTP, and WebJobs.Extensions (the timer trigger).
            var extensions = File.ReadAllText(Path.Combine(output, ".azurefunctions", "function.deps.json"));
            Assert.Contains("\"Microsoft.Azure.WebJobs.Extensions.Http/", extensions);
            Assert.Contains("\"Microsoft.Azure.WebJobs.Extensions/", extensions);
            Assert.True(File.Exists(Path.Combine(output, "extensions.json")));
            Assert.Equal(Metadata(FunctionsBin()).Length, Metadata(output).Length);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
