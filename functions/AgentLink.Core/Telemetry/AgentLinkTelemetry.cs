using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentLink.Core.Telemetry;

/// <summary>
/// AgentLink's own spans and metrics. A trace follows a message across the hops: the HTTP function
/// (or the MQTT publish), its PostgreSQL commands, the commit, the bus (the trace context rides in
/// the event envelope, "trace"), and the relay that sends it down each stream.
/// </summary>
public static class AgentLinkTelemetry
{
    public const string Name = "AgentLink";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Messages written (people over HTTP, agents over MQTT).</summary>
    public static readonly Counter<long> MessagesPosted = Meter.CreateCounter<long>("agentlink.messages.posted", "{message}");

    /// <summary>Group commits of the workspace writer, and how many writes each carried.</summary>
    public static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram<int>("agentlink.commit.batch_size", "{write}");

    /// <summary>Events the relays wrote to streams.</summary>
    public static readonly Counter<long> EventsRelayed = Meter.CreateCounter<long>("agentlink.relay.events", "{event}");

    /// <summary>Agent messages taken in over MQTT, by outcome (accepted, duplicate, refused).</summary>
    public static readonly Counter<long> AgentMessages = Meter.CreateCounter<long>("agentlink.agent.messages", "{message}");

    /// <summary>The W3C traceparent of the current span, to carry in an envelope.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { } current ? TraceParent(current.Context) : null;

    /// <summary>"00-{trace id}-{span id}-{flags}", or null for an empty context.</summary>
    public static string? TraceParent(ActivityContext context) =>
        context == default ? null
            : $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>Starts a span that continues the trace a traceparent names (or a new one).</summary>
    public static Activity? StartFrom(string name, string? traceParent, ActivityKind kind)
    {
        if (traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent))
            return Source.StartActivity(name, kind, parent);
        return Source.StartActivity(name, kind);
    }
}
