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
