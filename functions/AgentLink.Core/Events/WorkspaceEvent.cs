using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentLink.Core.Events;

/// <summary>
/// One event of a workspace, as it travels on the bus and reaches a browser.
/// Durable events (Seq set) are also rows of workspace_events; ephemeral ones
/// (typing, presence) have no Seq and are never replayed.
/// Audience: UserId set = that user only; else ChannelId set = that channel's
/// members; else every member of the workspace.
/// Trace: the W3C traceparent of the request (or MQTT publish) that caused it, so the relay's span
/// continues that trace (see AgentLink.Core.Telemetry).
/// </summary>
public sealed record WorkspaceEvent(
    Guid WorkspaceId,
    long? Seq,
    string Type,
    Guid? ChannelId,
    Guid? UserId,
    JsonElement Data,
    string? Trace = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static WorkspaceEvent? FromJson(string json) => JsonSerializer.Deserialize<WorkspaceEvent>(json, Json);

    public static JsonElement ToData<T>(T data) => JsonSerializer.SerializeToElement(data, Json);
}

/// <summary>Event type names; clients switch on these.</summary>
public static class EventTypes
{
    public const string MessageCreated = "message.created";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string MessagePinned = "message.pinned";
    public const string TaskCreated = "task.created";
    public const string TaskUpdated = "task.updated";
    public const string TaskCommented = "task.commented";
    /// <summary>To the assignee only (a person): a task was assigned, comes due soon, or is due.</summary>
    public const string TaskNotification = "task.notification";
    public const string SkillCreated = "skill.created";
    public const string SkillUpdated = "skill.updated";
    /// <summary>A skill assignment's delivery status changed: {skillId, agentUserId, version, status}.</summary>
    public const string SkillDelivery = "skill.delivery";

    /// <summary>The workspace's subscription changed (a Stripe webhook): pages reload their billing standing.</summary>
    public const string BillingUpdated = "billing.updated";

    /// <summary>An agent's memory was added, merged into, edited or deleted: {memory, change}.</summary>
    public const string MemoryWritten = "memory.written";

    /// <summary>A rubric changed: {agentUserId (null for the workspace's), version, change}.</summary>
    public const string AuditCriteriaChanged = "audit.criteria_changed";

    /// <summary>An audit run was queued, started, finished or failed: {id, agentUserId, status, overall, band}.</summary>
    public const string AuditRun = "audit.run";
    public const string ReactionsChanged = "reaction.changed";
    public const string ThreadUpdated = "thread.updated";
    public const string ReadUpdated = "read.updated";
    public const string Typing = "typing";
    public const string ChannelCreated = "channel.created";
    public const string ChannelUpdated = "channel.updated";
    public const string ChannelMemberJoined = "channel.member_joined";
    public const string ChannelMemberLeft = "channel.member_left";
    public const string WorkspaceMemberJoined = "workspace.member_joined";
    public const string WorkspaceMemberUpdated = "workspace.member_updated";
    public const string WorkspaceMemberRemoved = "workspace.member_removed";
    public const string Presence = "presence";
    public const string AgentConnected = "agent.connected";
    public const string AgentRemoved = "agent.removed";
}

/// <summary>Bus topic names; the Redis implementation prefixes them.</summary>
public static class BusTopics
{
    public static string WorkspaceEvents(Guid workspaceId) => $"ws:{workspaceId:N}:events";
    public static string WorkspaceStatus(Guid workspaceId) => $"ws:{workspaceId:N}:status";

    /// <summary>Comma-separated outbox stream ids (agents, channels) with new rows, for the MQTT bridge.</summary>
    public const string AgentOutbox = "agents:outbox";

    /// <summary>An agent was removed or its key revoked: bridges drop its connection. Message: the agent's user id.</summary>
    public const string AgentRevoked = "agents:revoked";

    /// <summary>Sessions ended (sign-out, password change, revoked): relays close their streams. Message: comma-separated session ids.</summary>
    public const string SessionsRevoked = "sessions:revoked";
}
