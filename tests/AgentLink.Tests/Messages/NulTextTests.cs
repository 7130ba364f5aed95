using System.Net;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Messages;

/// <summary>
/// PostgreSQL cannot store a NUL character in text. A NUL anywhere a request carries text (a body
/// field, a query, a route value) is a 400 invalid_text naming where it is, and writes nothing;
/// it used to be a 500 from the database, which also poisoned the pooled connection for later requests.
/// </summary>
public sealed class NulTextTests : IAsyncLifetime
{
    private AppStack _stack = null!;

    // Its own database: the test counts every row afterwards.
    public async Task InitializeAsync() => _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
    {
        ["AgentLink:Database:ConnectionString"] = await TestEnvironment.CreateIsolatedDatabaseAsync(),
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private static void AssertInvalidText((HttpStatusCode Status, JsonElement Body) answer, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("invalid_text", answer.Body.GetProperty("code").GetString());
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _), answer.Body.ToString());
    }

    [Fact]
    public async Task A_NUL_in_a_body_a_query_or_a_route_value_is_400_invalid_text_and_writes_nothing()
    {
        var team = await Scenario.TeamAsync(_stack);
        var before = await RowsAsync();
        AssertInvalidText(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "hello\0world" }), "text");
        AssertInvalidText(await team.Owner.TryAsync(HttpMethod.Post, "/api/v1/workspaces", new { name = "Evil\0Corp" }), "name");
        AssertInvalidText(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/channels", """{"na\u0000me": "x"}"""), "na\\u0000me");
        AssertInvalidText(await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/search?q=%00"), "q");
        // In a path, Kestrel itself refuses a NUL before any code runs.
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Owner.TryAsync(HttpMethod.Get, "/api/v1/invites/abc%00def")).Status);
        AssertInvalidText(await _stack.Client().TryAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = "a@b.c", password = "long enough\0", name = "N" }), "password");
        Assert.Equal(before, await RowsAsync());
    }

    [Fact]
    public async Task A_burst_of_refused_requests_leaves_every_pooled_connection_healthy()
    {
        var team = await Scenario.TeamAsync(_stack);
        await team.Owner.PostMessageAsync(team.GeneralId, "retro notes");
        // Each statement twice first: Npgsql auto-prepares a statement on its second use, the case that broke connections.
        for (var i = 0; i < 2; i++)
        {
            await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/search?q=retro");
            await team.Owner.PostMessageAsync(team.GeneralId, $"warm {i}");
        }
        var bad = Enumerable.Range(0, 200).Select(i => (i % 3) switch
        {
            0 => team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/search?q=ret%00ro"),
            1 => team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = $"bad\0{i}" }),
            _ => team.Owner.TryAsync(HttpMethod.Post, "/api/v1/workspaces", new { name = $"w\0{i}" }),
        });
        Assert.All(await Task.WhenAll(bad), answer => Assert.Equal(HttpStatusCode.BadRequest, answer.Status));

        var good = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/search?q=retro")));
        Assert.All(good, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.All(good, answer => Assert.Equal(1, answer.Body.GetProperty("items").GetArrayLength()));
    }

    private async Task<string> RowsAsync() => await _stack.ScalarAsync<string>("""
        select concat_ws(',', (select count(*) from users), (select count(*) from workspaces), (select count(*) from channels),
                              (select count(*) from channel_messages), (select count(*) from workspace_events), (select count(*) from invitations))
        """);
}
