using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Realtime;

/// <summary>Human presence on /events/status: online while a status stream is open, offline when the last one closes.</summary>
public abstract class PresenceTests(StackFixture fixture)
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_member_is_online_while_a_status_stream_is_open_and_offline_after()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var annStatus = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        var snapshot = await annStatus.NextAsync("presence.snapshot");
        Assert.Contains(team.Owner.UserId, snapshot.Payload.GetProperty("online").EnumerateArray().Select(x => x.GetGuid()));
        Assert.NotNull(snapshot.Id);

        var bobFirst = await Stack.StatusEventsAsync(bob, team.WorkspaceId);
        var bobSecond = await Stack.StatusEventsAsync(bob, team.WorkspaceId);
        var online = await annStatus.NextAsync(e => e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == bob.UserId);
        Assert.Equal("online", online.Payload.GetProperty("status").GetString());

        // Two tabs: closing one keeps Bob online. The marker: Carol comes online after the tab closed.
        await bobFirst.DisposeAsync();
        var carol = await Scenario.JoinAsync(Stack, team, "Carol");
        await using var carolStatus = await Stack.StatusEventsAsync(carol, team.WorkspaceId);
        var early = await annStatus.UntilAsync(e => e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == carol.UserId);
        Assert.DoesNotContain(early, e => e.Type == "presence" && e.Payload.GetProperty("status").GetString() == "offline");

        await bobSecond.DisposeAsync();
        var offline = await annStatus.NextAsync(e => e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == bob.UserId, TimeSpan.FromSeconds(5));
        Assert.Equal("offline", offline.Payload.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Typing_is_not_part_of_the_status_stream()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var bobStatus = await Stack.StatusEventsAsync(bob, team.WorkspaceId);
        await bobStatus.NextAsync("presence.snapshot");
        await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/typing");
        // The marker: Carol coming online is a status event, after the typing.
        var carol = await Scenario.JoinAsync(Stack, team, "Carol");
        await using var carolStatus = await Stack.StatusEventsAsync(carol, team.WorkspaceId);
        var seen = await bobStatus.UntilAsync(e => e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == carol.UserId);
        Assert.DoesNotContain(seen, e => e.Type == "typing");
    }
}

public sealed class PresenceOnRedisTests(RedisStackFixture fixture) : PresenceTests(fixture), IClassFixture<RedisStackFixture>;

public sealed class PresenceInMemoryTests(InMemoryStackFixture fixture) : PresenceTests(fixture), IClassFixture<InMemoryStackFixture>;
