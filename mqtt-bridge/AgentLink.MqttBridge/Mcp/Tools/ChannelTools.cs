using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Nodes;
using AgentLink.Core.Agents;
using AgentLink.Core.Chat;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Http;
using AgentLink.MqttBridge.Inbound;
using Dapper;
using ModelContextProtocol.Server;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp.Tools;

/// <summary>Channels, history, posting and DMs, limited to the channels the agent is a member of (as its MQTT topics are).</summary>
[McpServerToolType]
public sealed class ChannelTools(NpgsqlDataSource dataSource, AgentEnvelopes envelopes)
{
    public sealed class ChannelItem
    {
        public Guid Id { get; set; }
        public string Type { get; set; } = "";
        public string Name { get; set; } = "";
        public string Topic { get; set; } = "";
        public bool IsPrivate { get; set; }
        public bool Archived { get; set; }
    }

    // A DM is named after the other member.
    internal const string ChannelsSql = """
        select c.id, c.type,
               case when c.type = 'dm' then coalesce((select u.name from channel_members o join users u on u.id = o.user_id
                                                      where o.channel_id = c.id and o.user_id <> @agentUserId limit 1), 'dm')
                    else c.name end as name,
               c.topic, c.is_private, c.archived_at is not null as archived
        from channels c join channel_members cm on cm.channel_id = c.id and cm.user_id = @agentUserId
        where c.workspace_id = @workspaceId
        order by c.type, lower(c.name)
        """;

    private const string MemberSql = """
        select exists (select 1 from channel_members cm join channels c on c.id = cm.channel_id
                       where cm.channel_id = @channelId and cm.user_id = @agentUserId and c.workspace_id = @workspaceId)
        """;

    public sealed record Member(Guid Id, string Name, string Kind, string Role);

    private const string MembersSql = """
        select u.id, u.name, u.kind, m.role from memberships m join users u on u.id = m.user_id
        where m.workspace_id = @workspaceId order by lower(u.name)
        """;

    [McpServerTool(Name = "list_channels", ReadOnly = true), Description("The channels and DMs you are a member of, with their ids.")]
    public async Task<IReadOnlyList<ChannelItem>> ListChannels(ClaimsPrincipal user, CancellationToken ct)
    {
        var agent = McpAgentAuthentication.Agent(user);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ChannelItem>(Cmd.For(ChannelsSql, new { agentUserId = agent.UserId, workspaceId = agent.WorkspaceId }, ct))).ToList();
    }

    [McpServerTool(Name = "list_members", ReadOnly = true), Description("The people and agents of your workspace, with their ids (to open a DM or @mention one as <@id>).")]
    public async Task<IReadOnlyList<Member>> ListMembers(ClaimsPrincipal user, CancellationToken ct)
    {
        var agent = McpAgentAuthentication.Agent(user);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Member>(Cmd.For(MembersSql, new { workspaceId = agent.WorkspaceId }, ct))).ToList();
    }

    public sealed record History(IReadOnlyList<MessageView> Messages, long? NextBefore);

    [McpServerTool(Name = "read_history", ReadOnly = true),
     Description("Messages of a channel you are a member of, oldest first, a page at a time. For older messages pass the nextBefore of the page you have. With threadId, the replies of that thread.")]
    public async Task<History> ReadHistory(ClaimsPrincipal user,
        [Description("The channel or DM id.")] string channelId,
        [Description("Only messages before this seq (the nextBefore of the previous page).")] long? before = null,
        [Description("A thread's first message id: read its replies instead.")] string? threadId = null,
        [Description("1 to 200; default 50.")] int? limit = null,
        CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var channel = McpErrors.Id(channelId, "channelId");
        var thread = McpErrors.OptionalId(threadId, "threadId");
        var take = McpErrors.Limit(limit, 50, 200);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await RequireMemberAsync(conn, agent, channel, ct);
        var page = await MessageQueries.QueryAsync(conn, """
            where m.channel_id = @channel and m.workspace_id = @workspaceId
              and (case when @thread::uuid is null then m.parent_id is null else m.parent_id = @thread end)
              and (@before::bigint is null or m.seq < @before)
            order by m.seq desc limit @take
            """, new { channel, workspaceId = agent.WorkspaceId, thread, before, take }, ct);
        var oldestFirst = page.Reverse().ToList();
        return new History(oldestFirst, page.Count == take ? oldestFirst[0].Seq : null);
    }

    [McpServerTool(Name = "post_message"),
     Description("Posts to a channel or DM you are a member of, or replies in a thread (parentId). Mention someone with <@their id>. Returns the message.")]
    public async Task<object> PostMessage(ClaimsPrincipal user,
        [Description("The channel or DM id.")] string channelId,
        [Description("The text (markdown).")] string text,
        [Description("Reply in the thread of this message.")] string? parentId = null,
        [Description("A UUID of your choice: a retried call with the same key posts once.")] string? idempotencyKey = null,
        CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var data = new JsonObject { ["channelId"] = channelId, ["text"] = text, ["parentId"] = parentId };
        var outcome = await envelopes.SendAsync(agent, OutboxTypes.MessagePost, data, idempotencyKey, ct);
        return outcome.Value ?? new { duplicate = true, reason = "A message with this idempotencyKey was posted before." };
    }

    public sealed record Reacted(Guid MessageId, bool Added, ReactionView[] Reactions);

    private sealed record Target(Guid ChannelId, bool Deleted, bool Archived, bool Member);

    private const string TargetSql = """
        select m.channel_id, m.deleted_at is not null as deleted, c.archived_at is not null as archived,
               exists (select 1 from channel_members cm where cm.channel_id = c.id and cm.user_id = @agentUserId) as member
        from channel_messages m join channels c on c.id = m.channel_id
        where m.id = @messageId and m.workspace_id = @workspaceId
        """;

    private const string RemoveSql = "delete from message_reactions where message_id = @messageId and user_id = @agentUserId and emoji = @emoji";

    private const string AddSql = """
        insert into message_reactions (message_id, workspace_id, user_id, emoji) values (@messageId, @workspaceId, @agentUserId, @emoji)
        """;

    [McpServerTool(Name = "react"), Description("Adds your reaction (an emoji, or :name:) to a message, or removes it when you had already reacted so.")]
    public async Task<Reacted> React(ClaimsPrincipal user, [Description("The message id.")] string messageId, [Description("One emoji or :name:.")] string emoji,
        AgentRateLimiter rateLimiter, EventPublisher events, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var message = McpErrors.Id(messageId, "messageId");
        emoji = emoji?.Trim() ?? "";
        if (emoji.Length is 0 or > 32 || emoji.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw McpErrors.Invalid("emoji", "one emoji or :name:, up to 32 characters, no spaces.");
        McpErrors.Throttle(rateLimiter, agent.UserId);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var args = new { messageId = message, workspaceId = agent.WorkspaceId, agentUserId = agent.UserId, emoji };
        var target = await conn.QuerySingleOrDefaultAsync<Target>(Cmd.For(TargetSql, args, ct, tx));
        if (target is null || !target.Member) throw McpErrors.Refused(ErrorCodes.MessageNotFound, "No such message in a channel you are a member of.");
        if (target.Archived) throw McpErrors.Refused(AgentErrorCodes.ChannelArchived, "This channel is archived.");
        if (target.Deleted) throw McpErrors.Refused(ErrorCodes.MessageDeleted, "This message was deleted.");

        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, agent.WorkspaceId, ct);
        var added = await conn.ExecuteAsync(Cmd.For(RemoveSql, args, ct, tx)) == 0;
        if (added) await conn.ExecuteAsync(Cmd.For(AddSql, args, ct, tx));
        var reactions = await MessageQueries.ReactionsAsync(conn, message, ct, tx);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, agent.WorkspaceId, seq, EventTypes.ReactionsChanged, target.ChannelId, null,
            new { messageId = message, channelId = target.ChannelId, reactions }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return new Reacted(message, added, reactions);
    }

    [McpServerTool(Name = "search_messages", ReadOnly = true),
     Description("Full-text search of the messages in channels and DMs you are a member of: words, \"a phrase\", -exclude, or.")]
    public async Task<IReadOnlyList<MessageView>> SearchMessages(ClaimsPrincipal user, [Description("What to find.")] string query,
        AgentRateLimiter rateLimiter, [Description("1 to 100; default 20.")] int? limit = null, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        query = query?.Trim() ?? "";
        if (query.Length is 0 or > 200) throw McpErrors.Invalid("query", "1 to 200 characters.");
        var take = McpErrors.Limit(limit, 20, 100);
        McpErrors.Throttle(rateLimiter, agent.UserId);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await MessageSearch.FindAsync(conn, agent.WorkspaceId, agent.UserId, query, take, MessageSearch.Readable.MemberOnly, ct);
    }

    public sealed record DmOpened(Guid ChannelId, bool Created);

    [McpServerTool(Name = "open_dm", Idempotent = true), Description("Finds or creates your DM with a member of the workspace (see list_members); post to it with post_message.")]
    public async Task<DmOpened> OpenDm(ClaimsPrincipal user, [Description("The member's user id.")] string memberId, EventPublisher events, CancellationToken ct = default)
    {
        var agent = McpAgentAuthentication.Agent(user);
        var peer = McpErrors.Id(memberId, "memberId");
        if (peer == agent.UserId) throw McpErrors.Refused(ErrorCodes.CannotDmSelf, "A DM needs another member.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var dm = await DirectMessages.OpenAsync(conn, agent.WorkspaceId, agent.UserId, peer, ct)
                 ?? throw McpErrors.Refused(ErrorCodes.MemberNotFound, "No such member in your workspace.");
        if (dm.Event is { } e) await events.PublishAsync(e, ct);
        return new DmOpened(dm.ChannelId, dm.Created);
    }

    private async Task RequireMemberAsync(NpgsqlConnection conn, AgentIdentity agent, Guid channelId, CancellationToken ct)
    {
        if (!await conn.ExecuteScalarAsync<bool>(Cmd.For(MemberSql, new { channelId, agentUserId = agent.UserId, workspaceId = agent.WorkspaceId }, ct)))
            throw McpErrors.Refused(AgentErrorCodes.ChannelNotFound, "No such channel, or you are not a member of it.");
    }
}
