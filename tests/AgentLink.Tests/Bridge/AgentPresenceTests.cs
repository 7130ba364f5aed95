using System.Diagnostics;
using AgentLink.Client;
using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>
/// Agent presence on the /events/status stream: online on connect, offline from the last will
/// when the agent's process dies, offline from the server-side timeout when it stops reporting.
/// </summary>
public abstract class AgentPresenceTests(BridgeStackFixture fixture)
{
    public const int KeepAliveSeconds = 2;
    public const int HeartbeatSeconds = 1;
    public const int TimeoutSeconds = 3;

    private AppStack Stack => fixture.Stack;

    private static bool IsPresence(SseEvent e, Guid userId, string status) =>
        e.Type == "presence" && e.Payload.GetProperty("userId").GetGuid() == userId && e.Payload.GetProperty("status").GetString() == status;

    [Fact]
    public async Task An_agent_is_online_within_one_second_of_connecting_and_in_the_snapshot_with_its_last_seen()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, connect: false);
        await using var status = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        var snapshot = await status.NextAsync("presence.snapshot");
        Assert.Contains(snapshot.Payload.GetProperty("agents").EnumerateArray(),
            a => a.GetProperty("userId").GetGuid() == agent.UserId && a.GetProperty("status").GetString() == "offline");

        var started = Stopwatch.GetTimestamp();
        await agent.Client.ConnectAsync();
        var online = await status.NextAsync(e => IsPresence(e, agent.UserId, "online"), TimeSpan.FromSeconds(5));
        var latency = Stopwatch.GetElapsedTime(started, online.ReceivedTimestamp);
        Assert.True(latency < TimeSpan.FromSeconds(1), $"took {latency.TotalMilliseconds} ms");
        Assert.Equal("agent", online.Payload.GetProperty("kind").GetString());

        await agent.Client.SetStatusAsync("busy");
        await status.NextAsync(e => IsPresence(e, agent.UserId, "busy"));
        await using var again = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        var later = await again.NextAsync("presence.snapshot");
        var entry = later.Payload.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("userId").GetGuid() == agent.UserId);
        Assert.Equal("busy", entry.GetProperty("status").GetString());
        Assert.True(entry.GetProperty("lastSeen").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task An_agent_is_offline_within_one_and_a_half_keepalives_after_its_process_is_killed()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var registration = await new AgentLinkOnboarding(Stack.WebUrl).RegisterAsync("Probe", "demo");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        await using var status = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        await status.NextAsync("presence.snapshot");

        await using var process = await AgentProcess.StartAsync(Stack.WebUrl, registration.ApiKey, "probe", "Probe", KeepAliveSeconds);
        var online = await status.NextAsync(e => e.Type == "presence" && e.Payload.GetProperty("kind").GetString() == "agent"
            && e.Payload.GetProperty("status").GetString() == "online", TimeSpan.FromSeconds(30));
        var agentUserId = online.Payload.GetProperty("userId").GetGuid();

        var killed = Stopwatch.GetTimestamp();
        process.Kill();
        var offline = await status.NextAsync(e => IsPresence(e, agentUserId, "offline"), TimeSpan.FromSeconds(10));
        var latency = Stopwatch.GetElapsedTime(killed, offline.ReceivedTimestamp);
        Assert.True(latency <= TimeSpan.FromSeconds(1.5 * KeepAliveSeconds), $"took {latency.TotalMilliseconds} ms");
        Assert.Equal("offline", await Stack.ScalarAsync<string>("select status from remote_agents where user_id = @agentUserId", new { agentUserId }));
    }

    [Fact]
    public async Task A_connected_agent_that_stops_reporting_is_marked_offline_by_the_server_side_timeout()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        // No heartbeats from this one: it reports once, then only keeps its connection alive.
        await using var agent = await TestAgent.OnboardAsync(Stack, team, connect: false,
            options: new AgentLinkClientOptions { Heartbeat = TimeSpan.FromHours(1) });
        await using var status = await Stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        await status.NextAsync("presence.snapshot");
        await agent.Client.ConnectAsync();
        await status.NextAsync(e => IsPresence(e, agent.UserId, "online"));

        var silent = Stopwatch.GetTimestamp();
        await status.NextAsync(e => IsPresence(e, agent.UserId, "offline"), TimeSpan.FromSeconds(TimeoutSeconds + 5));
        var after = Stopwatch.GetElapsedTime(silent);
        Assert.True(agent.Client.IsConnected);
        Assert.InRange(after.TotalSeconds, TimeoutSeconds - 1, TimeoutSeconds + 2);
    }
}

public sealed class PresenceEmbeddedFixture() : BridgeStackFixture(BrokerMode.Embedded, PresenceSettings.Values);

public sealed class PresenceMosquittoFixture() : BridgeStackFixture(BrokerMode.External, PresenceSettings.Values);

internal static class PresenceSettings
{
    public static readonly Dictionary<string, string?> Values = new()
    {
        ["AgentLink:Mqtt:KeepAliveSeconds"] = AgentPresenceTests.KeepAliveSeconds.ToString(),
        ["AgentLink:Mqtt:HeartbeatSeconds"] = AgentPresenceTests.HeartbeatSeconds.ToString(),
        ["AgentLink:Mqtt:PresenceTimeoutSeconds"] = AgentPresenceTests.TimeoutSeconds.ToString(),
        // The timeout is checked by a timer function; with a 3 s timeout, check every second.
        ["AgentLink:Timers:AgentPresenceTimeout"] = "* * * * * *",
    };
}

public sealed class AgentPresenceOnEmbeddedBrokerTests(PresenceEmbeddedFixture fixture) : AgentPresenceTests(fixture), IClassFixture<PresenceEmbeddedFixture>;

public sealed class AgentPresenceOnMosquittoTests(PresenceMosquittoFixture fixture) : AgentPresenceTests(fixture), IClassFixture<PresenceMosquittoFixture>;
