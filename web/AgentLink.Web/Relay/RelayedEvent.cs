using AgentLink.Core.Events;

namespace AgentLink.Web.Relay;

/// <summary>
/// An event as it arrived from the bus, with its SSE frame encoded once and
/// shared by every connection that forwards it (the fan-out is the relay's hot path).
/// </summary>
public sealed class RelayedEvent(WorkspaceEvent e, string json)
{
    private byte[]? _frame;

    public WorkspaceEvent Event { get; } = e;

    public string Json { get; } = json;

    public static RelayedEvent From(WorkspaceEvent e) => new(e, e.ToJson());

    /// <summary>"id: {seq}\ndata: {json}\n\n" for durable events; ephemeral ones are framed per connection.</summary>
    public byte[] DurableFrame => _frame ??= SseWriter.Frame(Event.Seq?.ToString(), Json);
}
