using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>
/// The bridge is killed with SIGKILL while an agent sends 1,000 QoS 1 messages, then started
/// again: every message ends up in the database exactly once. With the embedded broker the
/// agent resends what was not acknowledged; with Mosquitto the bridge's persistent session
/// holds what it had not acknowledged. Either way the message ids make the overlap harmless.
/// </summary>
public abstract class BridgeCrashTests(BrokerMode broker) : IAsyncLifetime
{
    private const int Messages = 1000;
    private AppStack _stack = null!;

    // High enough that the rate limit plays no part here.
    private static readonly Dictionary<string, string?> Unlimited = new()
    {
        ["AgentLink:Mqtt:AgentMessagesPerSecond"] = "1000000",
        ["AgentLink:Mqtt:AgentMessageBurst"] = "1000000",
    };

    public async Task InitializeAsync() => _stack = await AppStack.StartAsync(BusMode.Redis, Unlimited, broker: broker, startBridge: false);

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Killing_the_bridge_mid_stream_and_restarting_it_leaves_every_message_in_the_database_exactly_once()
    {
        var bridge = await BridgeProcess.StartAsync(_stack);
        try
        {
            var team = await Scenario.TeamAsync(_stack, "Ann");
            await using var agent = await TestAgent.OnboardAsync(_stack, team, "firehose", "Firehose");
            const string written = "select count(*) from agent_inbound where agent_user_id = @id";
            var args = new { id = agent.UserId };

            using var window = new SemaphoreSlim(64);
            var sends = Enumerable.Range(1, Messages).Select(async i =>
            {
                await window.WaitAsync();
                try { await agent.Client.PostAsync(team.GeneralId, $"crash test #{i}"); }
                finally { window.Release(); }
            }).ToList();

            // Kill it once a good part, but not all, is in.
            for (var i = 0; i < 600 && await _stack.ScalarAsync<long>(written, args) < 150; i++) await Task.Delay(20);
            bridge.Kill();
            var atKill = await _stack.ScalarAsync<long>(written, args);
            Assert.InRange(atKill, 1, Messages - 1);

            await bridge.DisposeAsync();
            bridge = await BridgeProcess.StartAsync(_stack);
            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));

            Assert.Equal((long)Messages, await _stack.EventuallyAsync(written, args, (long)Messages, TimeSpan.FromSeconds(60)));
            await Task.Delay(500);
            Assert.Equal((long)Messages, await _stack.ScalarAsync<long>(written, args));
            Assert.Equal((long)Messages, await _stack.ScalarAsync<long>("select count(*) from channel_messages where author_id = @id", args));
            Assert.Equal((long)Messages, await _stack.ScalarAsync<long>("select count(distinct text) from channel_messages where author_id = @id", args));
        }
        finally
        {
            await bridge.DisposeAsync();
        }
    }
}

public sealed class BridgeCrashOnEmbeddedBrokerTests() : BridgeCrashTests(BrokerMode.Embedded);

public sealed class BridgeCrashOnMosquittoTests() : BridgeCrashTests(BrokerMode.External);
