namespace AgentLink.Core.Agents;

public enum MqttAccess { Publish, Subscribe }

public sealed record AclDecision(bool Allowed, string Reason)
{
    public static readonly AclDecision Allow = new(true, "");

    public static AclDecision Deny(string reason) => new(false, reason);
}

/// <summary>
/// What an agent may do on the broker: publish on its own outbox and status; subscribe
/// to its own inbox and status and to the channels it is a member of. Nothing else:
/// no wildcards, no shared subscriptions, no other agent's or workspace's topics.
/// </summary>
public sealed class AgentTopicAcl(AgentTopics topics, AgentDirectory directory)
{
    public async Task<AclDecision> CheckAsync(AgentIdentity agent, string? topic, MqttAccess access, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(topic) || topic.Contains('+') || topic.Contains('#') || topic.StartsWith('$'))
            return AclDecision.Deny("Wildcards, shared subscriptions and system topics are not allowed; use your exact topic names.");
        var parsed = topics.Parse(topic);
        if (parsed is null) return AclDecision.Deny("Not an AgentLink topic.");
        if (parsed.WorkspaceId != agent.WorkspaceId) return AclDecision.Deny("That topic belongs to another workspace.");

        switch (parsed.Kind)
        {
            case TopicKind.Channel when access == MqttAccess.Subscribe:
                return await directory.IsChannelMemberAsync(agent, parsed.ChannelId!.Value, ct)
                    ? AclDecision.Allow
                    : AclDecision.Deny("You are not a member of that channel.");
            case TopicKind.Channel:
                return AclDecision.Deny("Channel topics are published by the platform; post on your outbox.");
        }
        if (parsed.AgentId != agent.AgentId) return AclDecision.Deny("That topic belongs to another agent.");
        return (parsed.Kind, access) switch
        {
            (TopicKind.Outbox, MqttAccess.Publish) or (TopicKind.Status, _) or (TopicKind.Inbox, MqttAccess.Subscribe) => AclDecision.Allow,
            (TopicKind.Inbox, _) => AclDecision.Deny("Your inbox is published by the platform; post on your outbox."),
            _ => AclDecision.Deny("Your outbox is for publishing; subscribe to your inbox."),
        };
    }
}
