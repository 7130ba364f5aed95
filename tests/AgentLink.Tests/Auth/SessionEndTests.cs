using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Auth;

/// <summary>
/// A session that ends (sign-out, password change, revoked) loses its live streams on every web
/// instance at once; the person's other sessions keep theirs.
/// </summary>
public sealed class SessionEndTests
{
    private static async Task<ApiClient> SignInAsync(AppStack stack, ApiClient account, string password = "correct horse battery")
    {
        var again = stack.Client();
        again.Use(await again.PostOkAsync("/api/v1/auth/login", new { email = account.Email, password }));
        return again;
    }

    private static async Task AssertEndsAsync(SseClient stream)
    {
        await stream.NextAsync("session.ended", TimeSpan.FromSeconds(10));
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!stream.Ended && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(stream.Ended);
    }

    [Fact]
    public async Task Signing_out_ends_that_sessions_streams_on_every_instance_and_no_others()
    {
        var database = await TestEnvironment.CreateIsolatedDatabaseAsync();
        await using var first = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?> { ["AgentLink:Database:ConnectionString"] = database });
        await using var second = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = database,
            ["AgentLink:Bus:ChannelPrefix"] = first.Settings["AgentLink:Bus:ChannelPrefix"],
            ["AgentLink:Auth:SigningSecret"] = first.Settings["AgentLink:Auth:SigningSecret"],
        });
        var team = await Scenario.TeamAsync(first, "Ann");
        var laptop = team.Owner;
        var phone = await SignInAsync(first, laptop);

        await using var laptopEvents = await second.ChannelEventsAsync(laptop, team.WorkspaceId);
        await laptopEvents.NextAsync("ready");
        await using var laptopStatus = await first.StatusEventsAsync(laptop, team.WorkspaceId);
        await laptopStatus.NextAsync("presence.snapshot");
        await using var phoneEvents = await second.ChannelEventsAsync(phone, team.WorkspaceId);
        await phoneEvents.NextAsync("ready");

        await laptop.PostOkAsync("/api/v1/auth/logout");
        await AssertEndsAsync(laptopEvents);
        await AssertEndsAsync(laptopStatus);
        // The phone's session goes on, and its stream still delivers.
        await phone.PostMessageAsync(team.GeneralId, "still signed in here");
        var created = await phoneEvents.NextAsync("message.created");
        Assert.Equal("still signed in here", created.Payload.GetProperty("text").GetString());
        Assert.False(phoneEvents.Ended);
        // And the ended session cannot open a new one.
        var reopen = await Assert.ThrowsAsync<HttpRequestException>(() => first.ChannelEventsAsync(laptop, team.WorkspaceId));
        Assert.Equal(HttpStatusCode.Unauthorized, reopen.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_every_other_session_with_its_streams()
    {
        await using var stack = await AppStack.StartAsync(BusMode.Redis);
        var team = await Scenario.TeamAsync(stack, "Ben");
        var desk = team.Owner;
        var phone = await SignInAsync(stack, desk);
        var tablet = await SignInAsync(stack, desk);
        await using var phoneEvents = await stack.ChannelEventsAsync(phone, team.WorkspaceId);
        await phoneEvents.NextAsync("ready");
        await using var tabletStatus = await stack.StatusEventsAsync(tablet, team.WorkspaceId);
        await tabletStatus.NextAsync("presence.snapshot");
        await using var deskEvents = await stack.ChannelEventsAsync(desk, team.WorkspaceId);
        await deskEvents.NextAsync("ready");

        var (wrong, problem) = await desk.TryAsync(HttpMethod.Post, "/api/v1/auth/password", new { currentPassword = "not it", newPassword = "a brand new password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal("invalid_credentials", problem.GetProperty("code").GetString());
        var changed = await desk.PostOkAsync("/api/v1/auth/password", new { currentPassword = "correct horse battery", newPassword = "a brand new password" });
        Assert.Equal(2, changed.GetProperty("sessionsEnded").GetInt32());

        await AssertEndsAsync(phoneEvents);
        await AssertEndsAsync(tabletStatus);
        await desk.PostMessageAsync(team.GeneralId, "changed it");
        Assert.Equal("changed it", (await deskEvents.NextAsync("message.created")).Payload.GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Client().TryAsync(HttpMethod.Post, "/api/v1/auth/login",
            new { email = desk.Email, password = "correct horse battery" })).Status);
        await SignInAsync(stack, desk, "a brand new password");
    }

    [Fact]
    public async Task A_revoked_session_loses_its_streams_even_when_the_signal_is_lost()
    {
        await using var stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?> { ["AgentLink:Web:SessionCheckSeconds"] = "1" });
        var team = await Scenario.TeamAsync(stack, "Cat");
        var other = await SignInAsync(stack, team.Owner);
        await using var events = await stack.ChannelEventsAsync(other, team.WorkspaceId);
        await events.NextAsync("ready");
        var sessions = await team.Owner.GetOkAsync("/api/v1/auth/sessions");
        Assert.Equal(2, sessions.GetArrayLength());
        var otherId = sessions.EnumerateArray().Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid();

        // Ended in the database only, with no signal on the bus: the relay's periodic check finds it.
        await stack.ExecuteAsync("update sessions set revoked_at = now() where id = @otherId", new { otherId });
        await AssertEndsAsync(events);

        // Through the API (with the signal), and only one's own sessions.
        var stranger = await stack.Client().SignUpAsync("Stranger");
        var mine = (await team.Owner.GetOkAsync("/api/v1/auth/sessions")).EnumerateArray().Single().GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.TryAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{mine}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/auth/sessions/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await team.Owner.TryAsync(HttpMethod.Get, "/api/v1/me")).Status);
    }
}
