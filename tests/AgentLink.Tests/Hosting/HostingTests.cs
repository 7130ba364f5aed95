using System.Net;
using AgentLink.Core.Data;
using AgentLink.Core.Hosting;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Hosting;

public sealed class HostingTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/api/health/ready")]
    public async Task Health_endpoints_answer_on_the_web_origin(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Stack.WebUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_functions_host_serves_an_OpenAPI_document_with_every_route_and_a_docs_page()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Stack.FunctionsUrl) };
        var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/auth/signup", paths);
        Assert.Contains("/api/v1/channels/{channelId}/messages", paths);
        Assert.Contains("/api/v1/invites/{token}/accept", paths);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/docs/")).StatusCode);
    }

    [Fact]
    public async Task The_web_apps_committed_API_document_is_the_one_the_functions_serve_and_every_reference_resolves()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Stack.FunctionsUrl) };
        var served = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("/api/openapi/v1.json"))!;
        var committed = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot(), "web", "app", "openapi.json")))!;
        // Stale means the web app's generated types describe another API: web/app/scripts/gen-api.sh regenerates both.
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(served, committed),
            "web/app/openapi.json is stale: run web/app/scripts/gen-api.sh and commit the result.");

        var references = System.Text.RegularExpressions.Regex.Matches(served.ToJsonString(), "\"\\$ref\":\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(references);
        var components = served["components"]!["schemas"]!.AsObject();
        Assert.All(references, r => Assert.True(r.StartsWith("#/components/schemas/", StringComparison.Ordinal) && components.ContainsKey(r["#/components/schemas/".Length..]), r));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/w/00000000-0000-0000-0000-000000000000")]
    [InlineData("/invite/abc")]
    public async Task Every_page_carries_a_strict_content_security_policy_and_no_sniffing(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Stack.WebUrl) };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        // The page itself has no inline script for the policy to block.
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
    }

    [Fact]
    public void The_route_prefix_and_timeout_come_from_host_json()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{ "version": "2.0", "functionTimeout": "00:01:30", "extensions": { "http": { "routePrefix": "/fn/" } } }""");
        var settings = HostJson.Load(file);
        Assert.Equal("fn", settings.RoutePrefix);
        Assert.Equal("/fn", settings.PathBase);
        Assert.Equal(TimeSpan.FromSeconds(90), settings.FunctionTimeout);
        Assert.Equal("api", HostJson.Load(Path.Combine(AppContext.BaseDirectory, "host.json")).RoutePrefix);
    }

    [Fact]
    public async Task Migrating_twice_applies_nothing_the_second_time()
    {
        await TestEnvironment.EnsureDatabaseAsync();
        await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(TestEnvironment.Database);
        Assert.Empty(await new SchemaMigrator(dataSource).MigrateAsync());
        Assert.Equal(SchemaMigrator.All.Count, await TestEnvironment.ScalarAsync<long>("select count(*) from schema_migrations"));
        Assert.Equal("vector", await TestEnvironment.ScalarAsync<string>("select extname from pg_extension where extname = 'vector'"));
    }
}
