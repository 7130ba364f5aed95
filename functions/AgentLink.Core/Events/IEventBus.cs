namespace AgentLink.Core.Events;

/// <summary>
/// Fire-and-forget fan-out between processes (at most once). The database is
/// the record; consumers recover anything the bus drops from there.
/// A subscription's handler is called for one message at a time, in publish order.
/// </summary>
public interface IEventBus
{
    Task PublishAsync(string topic, string message, CancellationToken ct = default);

    Task<IAsyncDisposable> SubscribeAsync(string topic, Func<string, Task> handler, CancellationToken ct = default);

    /// <summary>
    /// Raised when the bus is back after an outage. Whatever was published meanwhile is lost:
    /// subscribers catch up from the database.
    /// </summary>
    event Action? Reconnected;
}
