using AgentLink.Core.Data;
using System.Diagnostics;
using System.Text.Json;
using AgentLink.Core.Telemetry;
using AgentLink.Core.Agents;
using AgentLink.Core.Files;
using AgentLink.Core.Chat;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using AgentLink.Core.Text;
using AgentLink.MqttBridge.Broker;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.MqttBridge.Inbound;

/// <summary>
/// What an agent publishes on its outbox: validated, then written exactly once (its
/// envelope id is recorded in agent_inbound in the same transaction), then announced.
/// Returns only after the commit, so the caller acknowledges only what is durable.
/// Refusals write nothing and tell the agent why on its inbox.
/// </summary>
public sealed class AgentMessageHandler(
    NpgsqlDataSource dataSource, WorkspaceWriter writer, IEventBus bus, AgentRateLimiter rateLimiter, AgentTopics topics,
    IAgentTransport transport, IOptions<MqttOptions> mqtt, IOptions<ChatLimits> limits, TaskUpdateHandler tasks,
    SkillAckHandler skills, MemoryHandler memories, AuditResultHandler audits, AttachmentLinks links, ILogger<AgentMessageHandler> logger)
{
    private sealed record PostRequest(Guid ChannelId, string Text, Guid? ParentId, Guid[] AttachmentIds);

    // Everything checked before the insert, in one round trip (it runs inside the workspace's write
    // batch, where each round trip holds up the batch): the channel as the agent may use it, the
    // thread root, the message id claimed for de-duplication only when all is well, and the
    // channel's other agent members for the fan-out.
    private const string PrepareSql = """
        with ch as (
            select c.type, c.archived_at is not null as archived
            from channels c join channel_members cm on cm.channel_id = c.id and cm.user_id = @agentUserId
            where c.id = @channelId and c.workspace_id = @workspaceId),
        parent as (
            select coalesce(parent_id, id) as root from channel_messages
            where id = @parentId and channel_id = @channelId and deleted_at is null),
        claimed as (
            insert into agent_inbound (agent_user_id, message_id, workspace_id)
            select @agentUserId, @messageId, @workspaceId from ch
            where not ch.archived and (@parentId::uuid is null or exists (select 1 from parent))
            on conflict do nothing
            returning 1)
        select (select type from ch) as channel_type, coalesce((select archived from ch), false) as archived,
               (select root from parent) as root, exists (select 1 from claimed) as claimed,
               coalesce((select array_agg(ra.user_id) from channel_members m join remote_agents ra on ra.user_id = m.user_id
                         where m.channel_id = @channelId and m.workspace_id = @workspaceId and m.user_id <> @agentUserId), '{}') as agents
        """;

    private sealed class Prepared
    {
        public string? ChannelType { get; set; }
        public bool Archived { get; set; }
        public Guid? Root { get; set; }
        public bool Claimed { get; set; }
        public Guid[] Agents { get; set; } = [];
    }

    /// <summary>
    /// Handles one outbox message. Throws only for transient failures (the database is away: the caller must
    /// not acknowledge, so the agent sends it again); anything else that fails is refused with a code, since
    /// resending would fail the same way, forever. <paramref name="traceParent"/>: the publisher's W3C traceparent
    /// (an MQTT 5 user property "traceparent"), which the span, the commit and the relays then continue.
    /// </summary>
    public Task<InboundOutcome> HandleAsync(AgentIdentity agent, ReadOnlyMemory<byte> payload, CancellationToken ct, string? traceParent = null) =>
        HandleAsync(agent, payload, tellRefusal: true, ct, traceParent);

    /// <summary>
    /// The same, for a caller that answers the agent itself (an MCP tool call): a refusal is returned,
    /// not also published to the agent's inbox.
    /// </summary>
    public async Task<InboundOutcome> HandleAsync(AgentIdentity agent, ReadOnlyMemory<byte> payload, bool tellRefusal, CancellationToken ct, string? traceParent = null)
    {
        using var span = AgentLinkTelemetry.StartFrom("agent.message", traceParent, ActivityKind.Consumer);
        span?.SetTag("agentlink.workspace_id", agent.WorkspaceId);
        span?.SetTag("agentlink.agent_id", agent.AgentId);
        InboundOutcome outcome;
        try
        {
            outcome = await ProcessAsync(agent, payload, ct);
        }
        catch (Exception ex) when (!DbFailures.IsTransient(ex) && ex is not OperationCanceledException)
        {
            logger.LogError(ex, "A message of agent {AgentId} failed for good; refusing it", agent.AgentId);
            DbFailures.AfterRefusedValue(dataSource, ex);
            var refId = Broker.EmbeddedBroker.ReadEnvelopeId(new System.Buffers.ReadOnlySequence<byte>(payload));
            outcome = DbFailures.IsRefusedValue(ex)
                ? InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "A value in the message cannot be stored.", refId)
                : InboundOutcome.Refuse(AgentErrorCodes.InternalError, "The message could not be written; it was not, and resending it will not help.", refId);
        }
        span?.SetTag("agentlink.outcome", outcome.Result.ToString());
        if (outcome.Code is { } code) span?.SetTag("agentlink.error_code", code);
        AgentLinkTelemetry.AgentMessages.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Result.ToString()));
        if (outcome.Result == InboundResult.Accepted) AgentLinkTelemetry.MessagesPosted.Add(1, new KeyValuePair<string, object?>("sender", "agent"));
        if (outcome.Result == InboundResult.Refused && tellRefusal) await TellAsync(agent, outcome, ct);
        return outcome;
    }

    private async Task<InboundOutcome> ProcessAsync(AgentIdentity agent, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (payload.Length > mqtt.Value.MaxPayloadBytes)
            return InboundOutcome.Refuse(AgentErrorCodes.PayloadTooLarge, $"The payload is {payload.Length} bytes; the limit is {mqtt.Value.MaxPayloadBytes}.");
        // First, text that cannot be stored (a NUL, an unpaired surrogate): nothing below has to handle it.
        string? unstorable;
        try { unstorable = TextRules.FindNul(payload.Span); }
        catch (JsonException) { unstorable = null; }
        if (unstorable is not null)
            return InboundOutcome.Refuse(AgentErrorCodes.InvalidText,
                $"{(unstorable.Length == 0 ? "A string" : unstorable)} contains a NUL (\\u0000) character or an unpaired surrogate, which cannot be stored.",
                Broker.EmbeddedBroker.ReadEnvelopeId(new System.Buffers.ReadOnlySequence<byte>(payload)));
        var parsed = Parse(payload.Span, out var id, out var type, out var data);
        if (parsed is not null) return parsed;
        if (type == OutboxTypes.TaskUpdate)
        {
            if (!rateLimiter.TryTake(agent.UserId))
                return InboundOutcome.Refuse(AgentErrorCodes.RateLimited,
                    $"More than {mqtt.Value.AgentMessagesPerSecond:0.##} messages a second; this one was dropped, slow down.", id);
            return await tasks.HandleAsync(agent, id, data, ct);
        }
        if (type == OutboxTypes.SkillAck) return await skills.HandleAsync(agent, id, data, ct);
        if (type == OutboxTypes.AuditResult) return await audits.HandleAsync(agent, id, data, ct);
        if (type is OutboxTypes.MemoryWrite or OutboxTypes.MemorySearch)
        {
            if (!rateLimiter.TryTake(agent.UserId))
                return InboundOutcome.Refuse(AgentErrorCodes.RateLimited,
                    $"More than {mqtt.Value.AgentMessagesPerSecond:0.##} messages a second; this one was dropped, slow down.", id);
            return type == OutboxTypes.MemoryWrite ? await memories.WriteAsync(agent, id, data, ct) : await memories.SearchAsync(agent, id, data, ct);
        }
        if (type != OutboxTypes.MessagePost)
            return InboundOutcome.Refuse(AgentErrorCodes.UnknownType,
                $"Unknown type '{type}'; known: {OutboxTypes.MessagePost}, {OutboxTypes.TaskUpdate}, {OutboxTypes.SkillAck}, {OutboxTypes.MemoryWrite}, {OutboxTypes.MemorySearch}, {OutboxTypes.AuditResult}.", id);
        var (read, problem) = ReadPost(data);
        if (read is not { } post) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, problem, id);
        if (!rateLimiter.TryTake(agent.UserId))
            return InboundOutcome.Refuse(AgentErrorCodes.RateLimited,
                $"More than {mqtt.Value.AgentMessagesPerSecond:0.##} messages a second; this one was dropped, slow down.", id);

        var mentions = Mentions.Parse(post.Text);
        AttachmentView[] files = [];
        if (mentions.Length > 0 || post.AttachmentIds.Length > 0)
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            if (mentions.Length > 0) mentions = await Mentions.MembersAsync(conn, agent.WorkspaceId, mentions, ct);
            // Files it uploaded (over HTTP, with its key) and confirmed: checked before the write batch.
            var (ready, fileProblem) = await AttachmentRows.ReadyForPostAsync(conn, post.AttachmentIds, agent.UserId, post.ChannelId, ct);
            if (fileProblem is not null) return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, $"data.attachmentIds: {fileProblem}", id);
            files = ready;
        }
        var outcome = await writer.WriteAsync(agent.WorkspaceId, post.ParentId is null ? 1 : 2, async (db, tx, seq, batch) =>
        {
            var result = await WriteAsync(db, tx, agent, id, post, mentions, files, links, seq, batch);
            return (result, result.Posted?.Events ?? []);
        }, ct);
        if (outcome.Posted is not { } posted) return outcome.Outcome;
        await AgentOutbox.SignalAsync(bus, posted.AgentStreams);
        return outcome.Outcome with { Value = posted.Message };
    }

    private sealed record WriteResult(InboundOutcome Outcome, PostResult? Posted);

    /// <summary>Inside the workspace's write batch: membership, de-duplication and the post, all or nothing.</summary>
    private static async Task<WriteResult> WriteAsync(
        NpgsqlConnection db, NpgsqlTransaction tx, AgentIdentity agent, Guid id, PostRequest post, Guid[] mentions, AttachmentView[] files,
        AttachmentLinks links, long seq, CancellationToken ct)
    {
        var p = await db.QuerySingleAsync<Prepared>(Cmd.For(PrepareSql, new
        {
            agentUserId = agent.UserId, channelId = post.ChannelId, workspaceId = agent.WorkspaceId, messageId = id, parentId = post.ParentId,
        }, ct, tx));
        if (p.ChannelType is null)
            return new(InboundOutcome.Refuse(AgentErrorCodes.ChannelNotFound, "No such channel, or you are not a member of it.", id), null);
        if (p.Archived) return new(InboundOutcome.Refuse(AgentErrorCodes.ChannelArchived, "This channel is archived.", id), null);
        if (post.ParentId is not null && p.Root is null)
            return new(InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "parentId is not a message of this channel.", id), null);
        if (!p.Claimed) return new(InboundOutcome.Duplicate, null);

        var fanout = AgentFanout.From(p.Agents, p.ChannelType == "dm", mentions);
        var draft = new PostDraft(Guid.CreateVersion7(), agent.WorkspaceId, post.ChannelId, p.Root,
            new AuthorView(agent.UserId, agent.Name, "agent"), post.Text, mentions, fanout, files, links.ForAgents);
        return new(InboundOutcome.Accepted(id), await ChannelPosts.InsertAsync(db, tx, draft, seq, ct));
    }

    private static InboundOutcome? Parse(ReadOnlySpan<byte> payload, out Guid id, out string type, out JsonElement data)
    {
        id = Guid.Empty;
        type = "";
        data = default;
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(payload.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return InboundOutcome.Refuse(AgentErrorCodes.InvalidJson, "The payload is not JSON; send an envelope {\"id\", \"type\", \"data\"}.");
        }
        if (root.ValueKind != JsonValueKind.Object)
            return InboundOutcome.Refuse(AgentErrorCodes.InvalidJson, "The payload must be a JSON object {\"id\", \"type\", \"data\"}.");
        if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || !idElement.TryGetGuid(out id))
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "\"id\" must be a UUID, unique per message (it makes resending safe).");
        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            return InboundOutcome.Refuse(AgentErrorCodes.ValidationFailed, "\"type\" is required.", id);
        type = typeElement.GetString()!;
        data = root.TryGetProperty("data", out var d) ? d : default;
        return null;
    }

    /// <summary>The post in an envelope's data, or why it is not one.</summary>
    private (PostRequest? Post, string Problem) ReadPost(JsonElement data)
    {
        var max = limits.Value.MaxMessageLength;
        static (PostRequest?, string) Fail(string problem) => (null, problem);

        if (data.ValueKind != JsonValueKind.Object) return Fail("\"data\" must be an object {channelId, text, parentId?, attachmentIds?}.");
        if (!data.TryGetProperty("channelId", out var ch) || ch.ValueKind != JsonValueKind.String || !ch.TryGetGuid(out var channelId))
            return Fail("data.channelId must be a channel id (UUID).");
        var text = data.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim() : "";
        var files = new List<Guid>();
        if (data.TryGetProperty("attachmentIds", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Array) return Fail("data.attachmentIds must be an array of attachment ids.");
            foreach (var item in a.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !item.TryGetGuid(out var file)) return Fail("data.attachmentIds must be attachment ids (UUIDs).");
                files.Add(file);
            }
        }
        if (text.Length == 0 && files.Count == 0) return Fail("data.text is required (or attachmentIds).");
        if (text.Length > max) return Fail($"data.text is longer than {max} characters.");
        Guid? parentId = null;
        if (data.TryGetProperty("parentId", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.String || !p.TryGetGuid(out var parent)) return Fail("data.parentId must be a message id (UUID).");
            parentId = parent;
        }
        return (new PostRequest(channelId, text, parentId, files.ToArray()), "");
    }

    /// <summary>Tells the agent, on its inbox, why something it sent was refused. Ephemeral, best effort.</summary>
    public async Task TellAsync(AgentIdentity agent, InboundOutcome refused, CancellationToken ct)
    {
        try
        {
            var notice = AgentEnvelope.Create(agent.WorkspaceId, InboxTypes.Error, new { refId = refused.RefId, code = refused.Code, reason = refused.Reason });
            await transport.PublishAsync(topics.Inbox(agent.WorkspaceId, agent.AgentId), notice.ToJson(), null, ct);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not tell agent {AgentId} why its message was refused", agent.AgentId);
        }
    }
}
