using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>Two agents that answer everything would talk forever; the per-agent rate limit ends it.</summary>
public abstract class AgentLoopTests(BridgeStackFixture fixture)
{
    public const int PerSecond = 2;
    public const int Burst = 5;

    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Two_agents_answering_each_other_forever_are_stopped_by_the_rate_limit()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var ping = await TestAgent.OnboardAsync(Stack, team, "ping", "Ping");
        await using var pong = await TestAgent.OnboardAsync(Stack, team, "pong", "Pong");
        var refused = 0;
        foreach (var agent in new[] { ping, pong })
        {
            var self = agent;
            // A naive agent: answers every channel message it sees, and carries on after refusals.
            self.Client.ChannelMessageReceived += async e =>
            {
                try { await self.Client.PostAsync(e.Message!.ChannelId, $"{self.AgentId} answers {e.Message.Text.Length}"); }
                catch (AgentLink.Client.AgentLinkException) { Interlocked.Increment(ref refused); }
            };
            self.Client.ErrorReceived += e =>
            {
                if (e.Code == "rate_limited") Interlocked.Increment(ref refused);
                return Task.CompletedTask;
            };
        }
        await ping.Client.PostAsync(team.GeneralId, "ping");

        const string count = "select count(*) from channel_messages where author_id = any(@ids)";
        var ids = new { ids = new[] { ping.UserId, pong.UserId } };
        for (var i = 0; i < 100 && Volatile.Read(ref refused) == 0; i++) await Task.Delay(100);
        Assert.True(refused > 0, "the rate limit never refused anything");
        var atRefusal = await Stack.ScalarAsync<long>(count, ids);
        // Each agent gets its burst, then PerSecond; the loop broke at the first refusal.
        Assert.InRange(atRefusal, Burst, 2 * (Burst + PerSecond * 10));
        // A loop still going at the limit would add PerSecond a second each; give it three such seconds' worth of time.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // The positive control: a person's marker goes through the same channel and is seen by both agents, so the
        // pipeline was live all along; what the agents wrote before it is all the loop did after the refusal.
        var marker = await team.Owner.PostMessageAsync(team.GeneralId, "marker");
        var seq = marker.GetProperty("seq").GetInt64();
        await TestAgent.NextAsync(ping.ChannelMessages, e => e.Message?.Text == "marker");
        await TestAgent.NextAsync(pong.ChannelMessages, e => e.Message?.Text == "marker");
        var later = await Stack.ScalarAsync<long>(count + " and channel_id = @channel and seq < @seq", new { ids.ids, channel = team.GeneralId, seq });
        Assert.True(later - atRefusal <= 2, $"still talking: {later - atRefusal} more");
    }
}

public sealed class LowRateEmbeddedFixture() : BridgeStackFixture(BrokerMode.Embedded, LowRate.Settings);

public sealed class LowRateMosquittoFixture() : BridgeStackFixture(BrokerMode.External, LowRate.Settings);

internal static class LowRate
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["AgentLink:Mqtt:AgentMessagesPerSecond"] = AgentLoopTests.PerSecond.ToString(),
        ["AgentLink:Mqtt:AgentMessageBurst"] = AgentLoopTests.Burst.ToString(),
    };
}

public sealed class AgentLoopOnEmbeddedBrokerTests(LowRateEmbeddedFixture fixture) : AgentLoopTests(fixture), IClassFixture<LowRateEmbeddedFixture>;

public sealed class AgentLoopOnMosquittoTests(LowRateMosquittoFixture fixture) : AgentLoopTests(fixture), IClassFixture<LowRateMosquittoFixture>;
