using System.Diagnostics;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Realtime;

/// <summary>POST -> one transaction -> bus -> SSE relay -> another member's stream; and resume by Last-Event-ID.</summary>
public abstract class LiveDeliveryTests(StackFixture fixture)
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_message_posted_by_A_reaches_Bs_stream_within_one_second()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var stream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        var sent = Stopwatch.GetTimestamp();
        var posted = await team.Owner.PostMessageAsync(team.GeneralId, "hello Bob");
        var received = await stream.NextAsync("message.created", TimeSpan.FromSeconds(5));

        var latency = Stopwatch.GetElapsedTime(sent, received.ReceivedTimestamp);
        Assert.True(latency < TimeSpan.FromSeconds(1), $"took {latency.TotalMilliseconds} ms");
        Assert.Equal("hello Bob", received.Payload.GetProperty("text").GetString());
        Assert.Equal(posted.GetProperty("id").GetGuid(), received.Payload.GetProperty("id").GetGuid());
        Assert.Equal(posted.GetProperty("seq").GetInt64().ToString(), received.Id);
    }

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_delivers_exactly_the_50_missed_messages_in_order()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await team.Owner.PostMessageAsync(team.GeneralId, "before the gap");

        var first = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await first.NextAsync("ready");
        await team.Owner.PostMessageAsync(team.GeneralId, "seen live");
        await first.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("text").GetString() == "seen live");
        var lastSeen = first.LastEventId!;
        await first.DisposeAsync();

        var missed = new List<string>();
        for (var i = 1; i <= 50; i++)
        {
            var text = $"missed #{i}";
            await team.Owner.PostMessageAsync(team.GeneralId, text);
            missed.Add(text);
        }

        // The relay replays what was missed, then says "ready" with the id it has reached.
        await using var resumed = await Stack.ChannelEventsAsync(bob, team.WorkspaceId, lastSeen);
        var all = new List<SseEvent>();
        SseEvent ready;
        while ((ready = await resumed.NextAsync(_ => true)).Type != "ready") all.Add(ready);

        var texts = all.Where(e => e.Type == "message.created").Select(e => e.Payload.GetProperty("text").GetString()!).ToList();
        Assert.Equal(missed, texts);
        var ids = all.Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.True(ids[0] > long.Parse(lastSeen));
        Assert.Equal(ready.Id, all[^1].Id);
    }

    [Fact]
    public async Task Events_keep_flowing_in_order_when_replay_and_live_overlap()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var live = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        var ready = await live.NextAsync("ready");
        await live.DisposeAsync();

        // Messages are posted while the stream reconnects: some arrive by replay, some live.
        var posting = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"m{i}");
        });
        await Task.Delay(50);
        await using var resumed = await Stack.ChannelEventsAsync(bob, team.WorkspaceId, ready.Id);
        await posting;
        var got = await resumed.TakeAsync(40, e => e.Type == "message.created", TimeSpan.FromSeconds(15));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"m{i}"), got.Select(e => e.Payload.GetProperty("text").GetString()));
        // No duplicates: the next message is the next thing the stream carries.
        await team.Owner.PostMessageAsync(team.GeneralId, "end");
        var rest = await resumed.UntilAsync(e => e.Type == "message.created" && e.Payload.GetProperty("text").GetString() == "end");
        Assert.Single(rest, e => e.Type == "message.created");
    }

    [Fact]
    public async Task Typing_reaches_other_members_and_is_never_replayed()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var stream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        var ready = await stream.NextAsync("ready");

        await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/typing");
        var typing = await stream.NextAsync("typing", TimeSpan.FromSeconds(2));
        Assert.Equal(team.Owner.UserId, typing.Payload.GetProperty("userId").GetGuid());
        Assert.Equal(ready.Id, typing.Id);

        await using var resumed = await Stack.ChannelEventsAsync(bob, team.WorkspaceId, "0");
        var replay = new List<SseEvent>();
        while ((await resumed.NextAsync(_ => true)) is var e && e.Type != "ready") replay.Add(e);
        Assert.DoesNotContain(replay, e => e.Type == "typing");
    }

    [Fact]
    public async Task Edits_deletes_reactions_threads_and_read_state_arrive_live()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var stream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        var root = await team.Owner.PostMessageAsync(team.GeneralId, "root");
        var rootId = root.GetProperty("id").GetGuid();
        await stream.NextAsync("message.created");
        await bob.PostMessageAsync(team.GeneralId, "a reply", rootId);
        var thread = await stream.NextAsync("thread.updated");
        Assert.Equal(1, thread.Payload.GetProperty("replyCount").GetInt32());

        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/messages/{rootId}", new { text = "root (edited)" });
        Assert.Equal("root (edited)", (await stream.NextAsync("message.updated")).Payload.GetProperty("text").GetString());

        await team.Owner.PostOkAsync($"/api/v1/messages/{rootId}/reactions", new { emoji = "🎉" });
        var reaction = await stream.NextAsync("reaction.changed");
        Assert.Equal("🎉", reaction.Payload.GetProperty("reactions")[0].GetProperty("emoji").GetString());

        await bob.PostOkAsync($"/api/v1/channels/{team.GeneralId}/read");
        Assert.Equal(team.GeneralId, (await stream.NextAsync("read.updated")).Payload.GetProperty("channelId").GetGuid());

        await team.Owner.OkAsync(HttpMethod.Delete, $"/api/v1/messages/{rootId}");
        Assert.Equal(rootId, (await stream.NextAsync("message.deleted")).Payload.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task The_stream_sends_heartbeats()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");
        // The stack beats every 2 s; a loaded CI machine may run a little late, so allow
        // up to three periods before calling the heartbeat missing.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        while (stream.Heartbeats < 1 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.True(stream.Heartbeats >= 1, "no SSE heartbeat comment within 6 s (period 2 s)");
    }
}

public sealed class LiveDeliveryOnRedisTests(RedisStackFixture fixture) : LiveDeliveryTests(fixture), IClassFixture<RedisStackFixture>;

public sealed class LiveDeliveryInMemoryTests(InMemoryStackFixture fixture) : LiveDeliveryTests(fixture), IClassFixture<InMemoryStackFixture>;
