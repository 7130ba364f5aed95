using System.Text.RegularExpressions;

namespace AgentLink.Core.Agents;

public enum TopicKind { Inbox, Outbox, Status, Channel }

/// <summary>One AgentLink topic, parsed: the workspace and either an agent id or a channel id.</summary>
public sealed record ParsedTopic(TopicKind Kind, Guid WorkspaceId, string? AgentId, Guid? ChannelId);

/// <summary>
/// The AgentLink topic names (see mqtt-bridge/asyncapi.yaml):
///   {root}/ws/{wid}/agents/{aid}/inbox|outbox|status and {root}/ws/{wid}/channels/{cid}.
/// Ids are lower-case GUIDs with dashes; agent ids are the agent's own names.
/// </summary>
public sealed partial class AgentTopics(string root)
{
    public string Root { get; } = root.Trim('/');

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex AgentIdPattern();

    /// <summary>Agent ids appear in topic names, so they may not hold MQTT's separators or wildcards.</summary>
    public static bool IsValidAgentId(string? agentId) => agentId is not null && AgentIdPattern().IsMatch(agentId);

    public string Inbox(Guid workspaceId, string agentId) => $"{Root}/ws/{workspaceId:D}/agents/{agentId}/inbox";

    public string Outbox(Guid workspaceId, string agentId) => $"{Root}/ws/{workspaceId:D}/agents/{agentId}/outbox";

    public string Status(Guid workspaceId, string agentId) => $"{Root}/ws/{workspaceId:D}/agents/{agentId}/status";

    public string Channel(Guid workspaceId, Guid channelId) => $"{Root}/ws/{workspaceId:D}/channels/{channelId:D}";

    /// <summary>The bridge's subscriptions: every agent's outbox and status.</summary>
    public string AllOutboxes => $"{Root}/ws/+/agents/+/outbox";

    public string AllStatuses => $"{Root}/ws/+/agents/+/status";

    /// <summary>Parses a concrete topic (no wildcards); null when it is not an AgentLink topic.</summary>
    public ParsedTopic? Parse(string? topic)
    {
        if (string.IsNullOrEmpty(topic)) return null;
        var parts = topic.Split('/');
        var rootParts = Root.Split('/');
        if (parts.Length < rootParts.Length + 4) return null;
        for (var i = 0; i < rootParts.Length; i++)
            if (parts[i] != rootParts[i]) return null;
        var rest = parts.AsSpan(rootParts.Length);
        if (rest[0] != "ws" || !TryParseId(rest[1], out var workspaceId)) return null;
        if (rest.Length == 4 && rest[2] == "channels" && TryParseId(rest[3], out var channelId))
            return new ParsedTopic(TopicKind.Channel, workspaceId, null, channelId);
        if (rest.Length == 5 && rest[2] == "agents" && IsValidAgentId(rest[3]))
        {
            TopicKind? kind = rest[4] switch { "inbox" => TopicKind.Inbox, "outbox" => TopicKind.Outbox, "status" => TopicKind.Status, _ => null };
            if (kind is { } k) return new ParsedTopic(k, workspaceId, rest[3], null);
        }
        return null;
    }

    // Exactly the form we write: a topic is a string, and "ABC..." must not alias "abc...".
    private static bool TryParseId(string text, out Guid id) =>
        Guid.TryParseExact(text, "D", out id) && text == id.ToString("D");
}
