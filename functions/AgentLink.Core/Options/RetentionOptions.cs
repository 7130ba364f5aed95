namespace AgentLink.Core.Options;

/// <summary>How long records that only serve catching up are kept. Config keys under AgentLink:Retention.</summary>
public sealed class RetentionOptions
{
    public const string Section = "AgentLink:Retention";

    /// <summary>Workspace events: how far back a reconnecting browser can resume (Last-Event-ID).</summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Agent outbox rows once delivered (undelivered rows wait for their agent, however long).</summary>
    public TimeSpan DeliveredOutbox { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Ids of messages agents sent, kept to recognise a redelivery; longer than any MQTT session lives.</summary>
    public TimeSpan AgentInbound { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sessions past their expiry, and the timer run log.</summary>
    public TimeSpan Bookkeeping { get; set; } = TimeSpan.FromDays(1);
}
