using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentLink.Client;

/// <summary>What POST /api/v1/agents/register answers. Keep the API key: it is shown only once.</summary>
public sealed record Registration(Guid RegistrationId, string ApiKey, string ClaimUrl, DateTimeOffset ExpiresAt);

public sealed record WorkspaceRef(Guid Id, string Name);

/// <summary>GET /api/v1/agents/me. Status: pending, claimed or expired.</summary>
public sealed record RegistrationStatus(Guid RegistrationId, string AgentName, string? FrameworkType, string Status, DateTimeOffset ClaimExpiresAt, string? ClaimUrl, WorkspaceRef? Workspace);

public sealed record BrokerInfo(string Url, string TopicRoot, string[] ProtocolVersions, int KeepAliveSeconds, int HeartbeatSeconds, int MaxPayloadBytes);

public sealed record MqttCredentials(string Username, string Password, string ClientId);

public sealed record AgentTopicNames(string Inbox, string Outbox, string Status, string ChannelTemplate)
{
    public string Channel(Guid channelId) => ChannelTemplate.Replace("{channelId}", channelId.ToString("D"), StringComparison.Ordinal);
}

public sealed record ConnectedAgent(string AgentId, Guid UserId, string HumanName, MqttCredentials Mqtt, AgentTopicNames Topics, Guid[] ChannelIds,
    IReadOnlyList<Memory>? PinnedMemories = null);

/// <summary>A memory of the agent (source conversation, dreaming, human or cross-agent; confidence 0..1).</summary>
public sealed record Memory(Guid Id, Guid AgentUserId, string Content, string? Topic, string Source, double Confidence, bool Pinned, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A memory search hit: the fused score, and its rank by meaning and by words (null when that ranking did not find it).</summary>
public sealed record MemoryHit(Memory Memory, double Score, int? VectorRank, int? TextRank);

/// <summary>POST /api/v1/agents/connect: everything one MQTT session needs.</summary>
public sealed record ConnectInfo(Guid WorkspaceId, BrokerInfo Broker, IReadOnlyList<ConnectedAgent> Agents);

public sealed record Author(Guid Id, string Name, string Kind);

/// <summary>A chat message as the platform shows it.</summary>
public sealed record ChatMessage(Guid Id, Guid WorkspaceId, Guid ChannelId, long Seq, Guid? ParentId, Author Author, string Text, Guid[] Mentions, DateTime CreatedAt,
    Attachment[]? Attachments = null);

/// <summary>
/// A file on a message. In envelopes, Url (and ThumbnailUrl for images) read it for a day;
/// GET /api/v1/agents/{agentId}/attachments/{id} gives fresh ones.
/// </summary>
public sealed record Attachment(Guid Id, string Name, long Size, string ContentType, string Kind, bool DownloadOnly, int? Width, int? Height,
    bool HasThumbnail, string? Url = null, string? ThumbnailUrl = null);

/// <summary>
/// An envelope from the inbox or a channel topic. Type "message" (Reason "dm" or "mention")
/// and "channel.message" carry a Message; "error" carries Error.
/// </summary>
public sealed record InboxEnvelope(Guid Id, string Type, DateTime Ts, Guid WorkspaceId, JsonElement Data)
{
    public ChatMessage? Message => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("message", out var m)
        ? m.Deserialize<ChatMessage>(Json.Options) : null;

    public string? Reason => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("reason", out var r) ? r.GetString() : null;

    /// <summary>The task of a task.assigned, task.reminder or task.due envelope.</summary>
    public AgentTask? Task => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("task", out var t)
        ? t.Deserialize<AgentTask>(Json.Options) : null;

    public AgentError? Error => Type == "error" ? Data.Deserialize<AgentError>(Json.Options) : null;
}

/// <summary>Why the platform refused something this agent sent (RefId is that message's id).</summary>
public sealed record AgentError(Guid? RefId, string Code, string Reason);

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A task as the platform sends it to its assignee (the fields an agent needs; the HTTP API has them all).</summary>
public sealed record AgentTask(Guid Id, Guid WorkspaceId, string Key, string Title, string Description, string Status, string Priority,
    DateTime? DueAt, Guid? ChannelId, string? Result, string[] Labels, AgentTaskRecurrence? Recurrence = null);

/// <summary>The series a recurring task belongs to: its rule (rate(...) or cron) and time zone, this instance's number, the cap.</summary>
public sealed record AgentTaskRecurrence(string Rule, string TimeZone, int Occurrence, int Cap, bool Paused);

/// <summary>An audit for an auditor agent to judge: whose work, over which window, against which criteria, on what evidence.</summary>
public sealed record AuditRequest(Guid RunId, AuditedAgent Agent, AuditWindow Window, AuditRequestCriterion[] Criteria, AuditEvidence[] Evidence, string? Answer);

public sealed record AuditedAgent(Guid UserId, string Name);

public sealed record AuditWindow(DateTime From, DateTime To);

public sealed record AuditRequestCriterion(string Name, string Prompt, int Weight);

/// <summary>One piece of evidence: kind message, reply or task; cite its Id in findings.</summary>
public sealed record AuditEvidence(string Kind, Guid Id, Guid? ChannelId, Guid? ParentId, string Text, DateTime At);

/// <summary>An auditor's judgement: one score per criterion of the request, and what it found and recommends.</summary>
public sealed record AuditResult(Guid RunId, AuditScore[] Scores, string? Notes = null, AuditFinding[]? Findings = null, AuditRecommendation[]? Recommendations = null);

public sealed record AuditScore(string Criterion, int Score, string? Reasoning = null);

/// <summary>severity: critical, high, medium, low or info; Evidence: ids from the request's evidence.</summary>
public sealed record AuditFinding(string Severity, string Title, string? Description = null, string? Criterion = null, Guid[]? Evidence = null);

/// <summary>kind: action (becomes a task when a person applies it), observation or file_change; effort: low, medium or high.</summary>
public sealed record AuditRecommendation(string Kind, string Text, string? Effort = null, double? ExpectedLift = null);
