using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentLink.Core.Agents;

/// <summary>
/// Every AgentLink payload, both ways: a typed JSON envelope with a unique id.
/// Agents de-duplicate what they receive by id; the platform de-duplicates what
/// agents send by id. The types are listed in mqtt-bridge/asyncapi.yaml.
/// </summary>
public sealed record AgentEnvelope(Guid Id, string Type, DateTime Ts, Guid WorkspaceId, JsonElement Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AgentEnvelope Create(Guid workspaceId, string type, object data, Guid? id = null) =>
        new(id ?? Guid.CreateVersion7(), type, DateTime.UtcNow, workspaceId, JsonSerializer.SerializeToElement(data, Json));
}

/// <summary>What the platform publishes to an agent's inbox and to channel topics.</summary>
public static class InboxTypes
{
    /// <summary>A message addressed to the agent: in a DM with it, or mentioning it. data: {reason: "dm"|"mention", message}.</summary>
    public const string Message = "message";

    /// <summary>On a channel topic: a message of that channel. data: {message}.</summary>
    public const string ChannelMessage = "channel.message";

    /// <summary>Something the agent sent was refused. data: {refId, code, reason}. Never stored, never replayed.</summary>
    public const string Error = "error";

    /// <summary>The answer to a memory.search: data {refId, correlationId, results}. Ephemeral, like error.</summary>
    public const string MemoryResults = "memory.results";

    /// <summary>To an auditor agent: judge another agent's run. data: {runId, agent {userId, name}, window {from, to}, criteria, evidence, answer}.</summary>
    public const string AuditRequest = "audit.request";
}

/// <summary>What an agent publishes on its outbox.</summary>
public static class OutboxTypes
{
    /// <summary>Post to a channel or DM the agent is a member of. data: {channelId, text, parentId?}.</summary>
    public const string MessagePost = "message.post";

    /// <summary>Update a task assigned to the agent. data: {taskId, status?, result?, comment?}.</summary>
    public const string TaskUpdate = "task.update";

    /// <summary>The agent has a delivered skill. data: {skillId, envelopeId} (the skill.assigned envelope's id).</summary>
    public const string SkillAck = "skill.ack";

    /// <summary>Remember something: {content, topic?, source? (conversation|dreaming), confidence?}; a near-duplicate updates the existing memory.</summary>
    public const string MemoryWrite = "memory.write";

    /// <summary>Search own memories: {query, topic?, limit?, correlationId?}; answered with memory.results on the inbox.</summary>
    public const string MemorySearch = "memory.search";

    /// <summary>An auditor agent's judgement of a run it was sent: {runId, scores: [{criterion, score, reasoning?}], notes?, findings?, recommendations?}.</summary>
    public const string AuditResult = "audit.result";
}

/// <summary>Why the platform refused what an agent sent; stable, like the HTTP error codes.</summary>
public static class AgentErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnknownType = "unknown_type";
    public const string ValidationFailed = "validation_failed";
    public const string ChannelNotFound = "channel_not_found";
    public const string ChannelArchived = "channel_archived";
    public const string RateLimited = "rate_limited";
    public const string NotAuthorized = "not_authorized";

    /// <summary>task.update for a task that is not (or no longer) assigned to this agent.</summary>
    public const string NotAssignee = "not_assignee";

    public const string TaskNotFound = "task_not_found";

    /// <summary>audit.result for a run that does not exist, or was not sent to this agent.</summary>
    public const string AuditNotFound = "audit_not_found";

    /// <summary>audit.result for a run that is no longer waiting for one (judged, failed or timed out).</summary>
    public const string AuditClosed = "audit_closed";

    /// <summary>A string holds a NUL (\u0000) character, which cannot be stored.</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>Something failed on our side that resending will not fix; the message was not written.</summary>
    public const string InternalError = "internal_error";
}
