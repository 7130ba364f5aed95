using System.Collections.Concurrent;
using System.Security.Cryptography;
using AgentLink.Client;
using Xunit.Abstractions;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Faults;

/// <summary>
/// The whole system as separate processes on its own PostgreSQL and Redis, with people and agents
/// connected and traffic flowing, through four faults in a row: Redis restarted, PostgreSQL
/// restarted (immediate shutdown), the functions host SIGKILLed, the web host SIGKILLed. Afterwards
/// every message that got a 2xx or a PUBACK has reached every live stream and the listening agent
/// exactly once and in order, the streams came back by themselves, and nothing was written twice.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output) : IAsyncLifetime
{
    private PrivatePostgres _postgres = null!;
    private PrivateRedis _redis = null!;
    private HostProcess _functions = null!;
    private HostProcess _bridge = null!;
    private HostProcess _web = null!;
    private AppStack _stack = null!;

    public async Task InitializeAsync()
    {
        _postgres = await PrivatePostgres.StartNewAsync();
        _redis = await PrivateRedis.StartNewAsync();
        var mqttPort = TestEnvironment.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = _postgres.ConnectionString + ";Timeout=3;Command Timeout=10",
            // A short Redis time-out: a host waiting on a dead Redis (it must not) would show at once.
            ["AgentLink:Bus:Redis"] = $"{_redis.Endpoint},connectTimeout=1000",
            ["AgentLink:Bus:ChannelPrefix"] = "faults:",
            ["AgentLink:Auth:SigningSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(36)),
            ["AgentLink:Auth:LoginAttemptsPerMinute"] = "100000",
            ["AgentLink:RateLimits:MessagesPerMinute"] = "100000",
            ["AgentLink:RateLimits:SignupsPerHour"] = "100000",
            ["AgentLink:RateLimits:AgentRegistrationsPerHour"] = "100000",
            ["AgentLink:RateLimits:StreamsPerMinute"] = "100000",
            ["AgentLink:Web:HeartbeatSeconds"] = "2",
            ["AgentLink:Web:ResyncSeconds"] = "2",
            ["AgentLink:Timers:OutboxSweep"] = "* * * * * *",
            ["AgentLink:Mqtt:TopicRoot"] = "faults",
            ["AgentLink:Mqtt:EmbeddedPort"] = mqttPort.ToString(),
            ["AgentLink:Mqtt:PublicUrl"] = $"mqtt://127.0.0.1:{mqttPort}",
            ["AgentLink:Mqtt:HookSecret"] = "fault-suite-hook-secret",
            ["AgentLink:Mqtt:AgentMessagesPerSecond"] = "1000",
            ["AgentLink:Mqtt:AgentMessageBurst"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        _functions = await HostProcess.StartAsync(HostProcess.Kind.Functions, settings);
        _bridge = await HostProcess.StartAsync(HostProcess.Kind.Bridge, settings);
        _web = await HostProcess.StartAsync(HostProcess.Kind.Web, new Dictionary<string, string?>(settings) { ["AgentLink:Web:FunctionsUrl"] = _functions.Url });
        _stack = new AppStack
        {
            WebUrl = _web.Url, FunctionsUrl = _functions.Url, Mode = BusMode.Redis, ApiServices = null!, Settings = settings, MqttPort = mqttPort,
        };
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _bridge.DisposeAsync();
        await _functions.DisposeAsync();
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Every_acknowledged_message_reaches_every_stream_and_agent_exactly_once_in_order_through_four_faults()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        var bob = await Scenario.JoinAsync(_stack, team, "Bob");
        await using var writer = await TestAgent.OnboardAsync(_stack, team, "writer", "Writer");
        await using var reader = await TestAgent.OnboardAsync(_stack, team, "reader", "Reader");
        var path = $"/events/channels?workspaceId={team.WorkspaceId}";
        await using var annStream = new ResumingStream(_stack.WebUrl, path, team.Owner.Token);
        await using var bobStream = new ResumingStream(_stack.WebUrl, path, bob.Token);
        var readerHeard = new ConcurrentQueue<ChatMessage>();
        reader.Client.ChannelMessageReceived += e => { readerHeard.Enqueue(e.Message!); return Task.CompletedTask; };
        // Both streams have a position before the first message, so everything after it is owed to them.
        await Task.WhenAll(annStream.Ready, bobStream.Ready).WaitAsync(TimeSpan.FromSeconds(30));

        // Traffic: a person posting over HTTP, an agent over MQTT; only what was acknowledged counts.
        using var stop = new CancellationTokenSource();
        var acknowledged = new ConcurrentQueue<string>();
        var refusals = new ConcurrentQueue<string>();
        var people = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = $"person {n}" });
                    if ((int)status is >= 200 and < 300) acknowledged.Enqueue($"person {n}");
                    else refusals.Enqueue(problem.ValueKind == System.Text.Json.JsonValueKind.Object && problem.TryGetProperty("code", out var code)
                        ? $"{(int)status} {code.GetString()}" : $"{(int)status} (no code)");
                }
                catch (Exception ex) { refusals.Enqueue($"exception {ex.GetType().Name}"); /* Not acknowledged: not promised. */ }
                await Task.Delay(40);
            }
        });
        var agents = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await writer.Client.PostAsync(team.GeneralId, $"agent {n}", ct: patience.Token);
                    acknowledged.Enqueue($"agent {n}");
                }
                catch (Exception) { /* Not acknowledged: not promised. */ }
                await Task.Delay(80);
            }
        });

        var faults = new (string Name, Func<Task> Break, Func<Task> Mend)[]
        {
            ("Redis restarted", () => _redis.KillAsync(), () => _redis.StartAsync()),
            ("PostgreSQL restarted", () => _postgres.StopAsync(), () => _postgres.StartAsync()),
            ("functions host SIGKILLed", () => { _functions.Kill(); return Task.CompletedTask; }, () => _functions.StartAsync()),
            ("web host SIGKILLed", () => { _web.Kill(); return Task.CompletedTask; }, () => _web.StartAsync()),
        };
        await Task.Delay(1500);
        foreach (var (_, breakIt, mend) in faults)
        {
            await breakIt();
            await Task.Delay(1500);
            await mend();
            await Task.Delay(2500);
        }
        await stop.CancelAsync();
        await Task.WhenAll(people, agents);

        var promised = acknowledged.ToHashSet();
        // What the functions host answered while a store was away: "try again" (503), never a 500.
        output.WriteLine($"refusals: {string.Join(", ", refusals.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.Contains("503 service_unavailable", refusals);
        Assert.DoesNotContain(refusals, r => r.StartsWith("500", StringComparison.Ordinal));
        Assert.True(promised.Count(t => t.StartsWith("person")) > 50 && promised.Count(t => t.StartsWith("agent")) > 20,
            $"too little traffic got through: {promised.Count}");

        // Everything promised arrives, by itself (the streams reconnect and catch up).
        var until = DateTime.UtcNow.AddSeconds(60);
        bool Complete(IEnumerable<string> texts) => promised.IsSubsetOf(texts);
        while (DateTime.UtcNow < until
               && !(Complete(annStream.Messages.Select(m => m.Text)) && Complete(bobStream.Messages.Select(m => m.Text))
                    && Complete(readerHeard.Select(m => m.Text))))
            await Task.Delay(200);

        foreach (var (name, stream) in new[] { ("Ann", annStream), ("Bob", bobStream) })
        {
            var got = stream.Messages.ToList();
            Assert.True(promised.IsSubsetOf(got.Select(m => m.Text)), $"{name}'s stream misses {string.Join(", ", promised.Except(got.Select(m => m.Text)).Take(10))}");
            Assert.True(got.Select(m => m.Id).Distinct().Count() == got.Count, $"{name}'s stream had duplicates");
            Assert.True(got.Zip(got.Skip(1)).All(p => p.First.Seq < p.Second.Seq), $"{name}'s stream was out of order");
            Assert.Empty(stream.Odd);
            Assert.True(stream.Connections > 1, $"{name}'s stream never had to reconnect");
        }
        output.WriteLine($"acknowledged {promised.Count} ({promised.Count(t => t.StartsWith("agent"))} from the agent); stream connections: Ann {annStream.Connections}, Bob {bobStream.Connections}; " +
                         $"delivered: Ann {annStream.Messages.Count}, Bob {bobStream.Messages.Count}, agent {readerHeard.Count}");
        // The listening agent hears the person and the other agent.
        var heard = readerHeard.ToList();
        Assert.True(promised.IsSubsetOf(heard.Select(m => m.Text)), $"the agent misses {string.Join(", ", promised.Except(heard.Select(m => m.Text)).Take(10))}");
        Assert.True(heard.Select(m => m.Id).Distinct().Count() == heard.Count, "the agent heard duplicates");
        Assert.True(heard.Zip(heard.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "the agent heard them out of order");

        // Nothing written twice.
        Assert.Equal(0, await _stack.ScalarAsync<long>(
            "select count(*) from (select text from channel_messages where channel_id = @c group by text having count(*) > 1) d", new { c = team.GeneralId }));
    }
}
