using AgentLink.Core.Agents;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Agents;

public sealed class ConnectAgents(NpgsqlDataSource dataSource, EventPublisher events, AgentTopics topics, IOptions<MqttOptions> mqtt)
{
    public const int MaxAgentsPerCall = 20;

    public sealed record AgentSpec(string? AgentId, string? HumanName);

    public sealed record Request(AgentSpec[]? Agents);

    public sealed record BrokerView(string Url, string TopicRoot, string[] ProtocolVersions, int KeepAliveSeconds, int HeartbeatSeconds, int MaxPayloadBytes);

    /// <summary>MQTT CONNECT fields: the client id must equal the username.</summary>
    public sealed record MqttCredentials(string Username, string Password, string ClientId);

    public sealed record TopicsView(string Inbox, string Outbox, string Status, string ChannelTemplate);

    /// <summary>One connected agent id: its credentials, topics, channels, and its pinned memories (what to keep in mind from the start).</summary>
    public sealed record ConnectedAgent(string AgentId, Guid UserId, string HumanName, MqttCredentials Mqtt, TopicsView Topics, Guid[] ChannelIds,
        IReadOnlyList<AgentLink.Core.Memories.MemoryView> PinnedMemories);

    private static readonly string PinnedSql =
        $"select {AgentLink.Core.Memories.MemoryStore.Columns} from agent_memories where agent_user_id = @userId and pinned order by updated_at desc limit 100";

    public sealed record Response(Guid WorkspaceId, BrokerView Broker, IReadOnlyList<ConnectedAgent> Agents);

    private const string ExistingSql = """
        select ra.user_id, ra.registration_id from remote_agents ra
        where ra.workspace_id = @workspaceId and ra.agent_id = @agentId
        """;

    private const string RenameSql = "update users set name = @humanName where id = @userId and name <> @humanName";

    private const string CreateSql = """
        with u as (insert into users (kind, name) values ('agent', @humanName) returning id),
        m as (insert into memberships (workspace_id, user_id, role) select @workspaceId, id, 'member' from u),
        ra as (insert into remote_agents (user_id, workspace_id, registration_id, agent_id) select id, @workspaceId, @registrationId, @agentId from u)
        select id from u
        """;

    // Agents join #general like invited people, so they hear the team and can be mentioned there.
    private const string JoinGeneralSql = """
        insert into channel_members (channel_id, workspace_id, user_id, last_read_seq)
        select id, workspace_id, @userId, last_message_seq from channels
        where workspace_id = @workspaceId and type = 'channel' and lower(name) = 'general' and archived_at is null
        on conflict do nothing
        returning channel_id
        """;

    private const string ChannelsSql = "select channel_id from channel_members where user_id = @userId and workspace_id = @workspaceId";

    /// <summary>
    /// Registers the calling registration's MQTT agent ids (new ones become workspace members
    /// and join #general; known ones are renamed) and tells each how to reach the broker.
    /// Idempotent: connecting the same ids again returns the same principals.
    /// </summary>
    [Function(nameof(ConnectAgents))]
    [Caller(Caller.Agent), JsonBody(typeof(Request)), Licensed(WorkspaceFrom.AgentKey)]
    public async Task<Results<Ok<Response>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/connect")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var agent = req.HttpContext.User;
        var specs = body.Agents ?? [];
        var check = new Validate()
            .Check(specs.Length is >= 1 and <= MaxAgentsPerCall, "agents", $"Between 1 and {MaxAgentsPerCall} agents.")
            .Check(specs.All(s => AgentTopics.IsValidAgentId(s.AgentId)), "agentId", "1 to 64 letters, digits, '-' or '_', starting with a letter or digit.")
            .Check(specs.All(s => s.HumanName?.Trim() is { Length: >= 1 and <= 80 }), "humanName", "Required, at most 80 characters.")
            .Check(specs.Select(s => s.AgentId).Distinct().Count() == specs.Length, "agentId", "Each agent id once.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var registrationId = agent.RegistrationId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var registration = (await AgentRegistrations.FindAsync(conn, registrationId, ct, tx))!;
        if (registration.WorkspaceId is not { } workspaceId)
            return ApiProblem.Conflict(ErrorCodes.AgentNotClaimed, "Not claimed yet: a workspace owner or admin must open your claim URL first.");

        var joined = new List<(string Type, Guid? ChannelId, object Data)>();
        var principals = new List<(AgentSpec Spec, Guid UserId)>();
        foreach (var spec in specs)
        {
            var humanName = spec.HumanName!.Trim();
            var existing = await conn.QuerySingleOrDefaultAsync<(Guid UserId, Guid RegistrationId)?>(Cmd.For(ExistingSql, new { workspaceId, agentId = spec.AgentId }, ct, tx));
            if (existing is { } found)
            {
                if (found.RegistrationId != registrationId)
                    return ApiProblem.Conflict(ErrorCodes.AgentIdTaken, $"The agent id '{spec.AgentId}' is taken in this workspace.");
                await conn.ExecuteAsync(Cmd.For(RenameSql, new { userId = found.UserId, humanName }, ct, tx));
                principals.Add((spec, found.UserId));
                continue;
            }
            var userId = await conn.QuerySingleAsync<Guid>(Cmd.For(CreateSql, new { humanName, workspaceId, registrationId, agentId = spec.AgentId }, ct, tx));
            principals.Add((spec, userId));
            joined.Add((EventTypes.WorkspaceMemberJoined, null, new { userId, name = humanName, role = Roles.Member, kind = "agent", agentId = spec.AgentId }));
            if (await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(JoinGeneralSql, new { workspaceId, userId }, ct, tx)) is { } general)
                joined.Add((EventTypes.ChannelMemberJoined, general, new { channelId = general, userId, name = humanName }));
        }

        var logged = new List<WorkspaceEvent>();
        if (joined.Count > 0)
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct, joined.Count);
            foreach (var (type, channelId, data) in joined)
                logged.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq++, type, channelId, null, data, ct));
        }
        var apiKey = AgentKeyAuthenticationHandler.ApiKey(req);
        var connected = new List<ConnectedAgent>();
        foreach (var (spec, userId) in principals)
        {
            var channels = (await conn.QueryAsync<Guid>(Cmd.For(ChannelsSql, new { userId, workspaceId }, ct, tx))).ToArray();
            var pinned = (await conn.QueryAsync<AgentLink.Core.Memories.MemoryView>(Cmd.For(PinnedSql, new { userId }, ct, tx))).ToList();
            var agentId = spec.AgentId!;
            connected.Add(new ConnectedAgent(agentId, userId, spec.HumanName!.Trim(),
                new MqttCredentials(userId.ToString(), apiKey, userId.ToString()),
                new TopicsView(topics.Inbox(workspaceId, agentId), topics.Outbox(workspaceId, agentId), topics.Status(workspaceId, agentId),
                    $"{topics.Root}/ws/{workspaceId:D}/channels/{{channelId}}"),
                channels, pinned));
        }
        await tx.CommitAsync(ct);
        await events.PublishAsync(logged, ct);

        var o = mqtt.Value;
        var broker = new BrokerView(o.ResolvedPublicUrl, topics.Root, ["3.1.1", "5"], o.KeepAliveSeconds, o.HeartbeatSeconds, o.MaxPayloadBytes);
        return TypedResults.Ok(new Response(workspaceId, broker, connected));
    }
}
