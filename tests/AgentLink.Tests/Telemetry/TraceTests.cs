using System.Collections.Concurrent;
using System.Diagnostics;
using AgentLink.Core.Options;
using AgentLink.Core.Telemetry;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AgentLink.Tests.Telemetry;

/// <summary>
/// Keeps the finished spans of the traces a test watches. Span listeners are process-wide, so it
/// also sees the spans of every other stack the test run has going; it keeps only the watched traces.
/// </summary>
public sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<Activity>> _traces = new();

    public void Watch(ActivityTraceId traceId) => _traces.TryAdd(traceId, new());

    public override void OnEnd(Activity data)
    {
        if (_traces.TryGetValue(data.TraceId, out var spans)) spans.Enqueue(data);
    }

    /// <summary>Waits until the trace holds spans matching every condition; returns them all.</summary>
    public async Task<IReadOnlyList<Activity>> TraceAsync(ActivityTraceId traceId, params (string What, Func<Activity, bool> Match)[] expected)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var spans = _traces[traceId].ToList();
            var missing = expected.Where(e => !spans.Any(e.Match)).Select(e => e.What).ToList();
            if (missing.Count == 0) return spans;
            if (DateTime.UtcNow > until)
                Assert.Fail($"Trace {traceId} lacks {string.Join(", ", missing)}; it has: {string.Join(", ", spans.Select(s => $"{s.Source.Name}/{s.DisplayName}"))}");
            await Task.Delay(50);
        }
    }
}

/// <summary>A stack with the MQTT bridge whose spans a test can read.</summary>
public sealed class TracedStackFixture : IAsyncLifetime
{
    public SpanRecorder Spans { get; } = new();

    public AppStack Stack { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Stack = await AppStack.StartAsync(BusMode.Redis, broker: BrokerMode.Embedded,
            configureApi: services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(Spans)));

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}

/// <summary>
/// One trace follows a message across the hops: the HTTP request (web proxy, then function), its
/// PostgreSQL commands, the group commit, the publish on Redis, and the relay that sends it down a member's stream;
/// and, for an agent, its MQTT publish, the commit and the relay.
/// </summary>
public sealed class TraceTests(TracedStackFixture fixture) : IClassFixture<TracedStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static Activity StartRoot(string name)
    {
        // What a traced client does: a sampled W3C span, current while it calls us.
        var root = new Activity(name).SetIdFormat(ActivityIdFormat.W3C);
        root.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return root.Start();
    }

    [Fact]
    public async Task A_posted_message_is_one_trace_from_the_request_through_PostgreSQL_and_the_commit_to_the_relay()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var stream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        ActivityTraceId traceId;
        using (var root = StartRoot("test.post"))
        {
            traceId = root.TraceId;
            fixture.Spans.Watch(traceId);
            await team.Owner.PostMessageAsync(team.GeneralId, "traced");
        }
        var received = await stream.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("text").GetString() == "traced");
        // The envelope carries the trace to every relay.
        Assert.Contains(traceId.ToHexString(), received.Json.GetProperty("trace").GetString());

        var spans = await fixture.Spans.TraceAsync(traceId,
            ("the function's request span", s => s.Kind == ActivityKind.Server && s.Source.Name == "Microsoft.AspNetCore"
                && s.GetTagItem("url.path") is string path && path.EndsWith("/messages", StringComparison.Ordinal)),
            ("a PostgreSQL command", s => s.Source.Name == "Npgsql"),
            ("the commit", s => s.Source.Name == AgentLinkTelemetry.Name && s.OperationName == "workspace.commit"),
            ("the publish on Redis", s => s.OperationName == "bus.publish" && (string?)s.GetTagItem("messaging.system") == "redis"),
            ("the relay", s => s.Source.Name == AgentLinkTelemetry.Name && s.OperationName == "relay.deliver"
                && (string?)s.GetTagItem("agentlink.event_type") == "message.created"));

        // The spans hang together: the commit is a child of the function's request, the relay a child of the commit's caller.
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var commit = spans.First(s => s.OperationName == "workspace.commit");
        Assert.Contains(commit.ParentSpanId, ids);
        Assert.Contains(spans, s => s.Source.Name == "Npgsql" && s.ParentSpanId == commit.SpanId);
        Assert.Contains(spans, s => s.OperationName == "relay.deliver" && ids.Contains(s.ParentSpanId));
    }

    [Fact]
    public async Task An_agents_message_continues_the_trace_it_was_published_in()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);

        ActivityTraceId traceId;
        using (var root = StartRoot("agent.work"))
        {
            traceId = root.TraceId;
            fixture.Spans.Watch(traceId);
            await agent.Client.PostAsync(team.GeneralId, "traced by an agent");
        }
        await stream.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("text").GetString() == "traced by an agent");

        var spans = await fixture.Spans.TraceAsync(traceId,
            ("the bridge's span", s => s.OperationName == "agent.message" && (string?)s.GetTagItem("agentlink.outcome") == "Accepted"),
            ("the commit", s => s.OperationName == "workspace.commit"),
            ("the relay", s => s.OperationName == "relay.deliver"));
        var bridge = spans.First(s => s.OperationName == "agent.message");
        Assert.Equal(ActivityKind.Consumer, bridge.Kind);
        Assert.Contains(spans, s => s.OperationName == "workspace.commit" && s.ParentSpanId == bridge.SpanId);
    }
}
