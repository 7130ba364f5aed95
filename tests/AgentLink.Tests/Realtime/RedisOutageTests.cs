using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Realtime;

/// <summary>
/// Redis goes away and comes back. Posts are answered as fast as ever meanwhile (the database is the
/// truth; the bus is only the fast path), and open streams catch up by themselves when Redis is back,
/// even when nothing else happens after the outage.
/// </summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task A_post_during_a_Redis_outage_is_answered_at_once_and_reaches_open_streams_when_Redis_is_back()
    {
        await using var redis = await PrivateRedis.StartNewAsync();
        // A long Redis time-out: a post that waited on Redis would wait 30 s, not 5. Only the reconnect
        // signal can catch the stream up here (the periodic check is set far beyond the test).
        await using var stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
        {
            ["AgentLink:Bus:Redis"] = $"{redis.Endpoint},asyncTimeout=30000,syncTimeout=30000,connectTimeout=1000",
            ["AgentLink:Web:ResyncSeconds"] = "3600",
        });
        var team = await Scenario.TeamAsync(stack, "Ann");
        var bob = await Scenario.JoinAsync(stack, team, "Bob");
        await using var stream = await stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");
        await team.Owner.PostMessageAsync(team.GeneralId, "before");
        await stream.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("text").GetString() == "before");

        await redis.KillAsync();
        // Answered while Redis is down (the bound only detects a post held up by Redis: 30 s here).
        var during = await team.Owner.PostMessageAsync(team.GeneralId, "during the outage").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await stack.ScalarAsync<long>("select count(*) from channel_messages where id = @id", new { id = during.GetProperty("id").GetGuid() }));

        await redis.StartAsync();
        // Nothing else is posted: only the relay's catch-up on reconnect can bring it.
        var caughtUp = await stream.NextAsync(e => e.Type == "message.created", TimeSpan.FromSeconds(30));
        Assert.Equal("during the outage", caughtUp.Payload.GetProperty("text").GetString());
        Assert.False(stream.Ended);
    }
}
