namespace AgentLink.MqttBridge.Broker;

/// <summary>
/// How the bridge reaches agents, whichever broker is in use. The two modes differ in
/// what "delivered" means: with the embedded broker it is the agent's own PUBACK; with an
/// external broker it is the broker's PUBACK (the agent's persistent session holds it).
/// </summary>
public interface IAgentTransport
{
    bool IsReady { get; }

    /// <summary>Whether an inbox delivery to this agent can be attempted now (it is connected and listening).</summary>
    Task<bool> CanDeliverToAsync(Guid agentUserId, CancellationToken ct);

    /// <summary>
    /// Publishes to an agent's inbox (QoS 1) and completes with true once delivered, false when it
    /// could not be (the agent went away, the broker refused). Calls for one agent are made in order.
    /// </summary>
    Task<Task<bool>> SendToAgentAsync(Guid agentUserId, string topic, Guid messageId, string payload, CancellationToken ct);

    /// <summary>Publishes at QoS 1 to whoever subscribes (channel topics, error notices); true once the broker has it.</summary>
    Task<bool> PublishAsync(string topic, string payload, Guid? authorUserId, CancellationToken ct);

    /// <summary>Drops an agent's live connection (removed from its workspace). Best effort.</summary>
    Task DisconnectAgentAsync(Guid agentUserId);
}
