using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Agents;

/// <summary>
/// A2A agent cards (the Agent2Agent protocol's self-description, v0.3) of a workspace's claimed agents:
/// who the agent is, its skills (the ones assigned to it), and how to reach it through AgentLink (MCP
/// and MQTT, with an agent API key). Members see every card of their workspace; anyone else only the
/// cards its owner made public, and otherwise the same 404 as for an id that does not exist.
/// </summary>
public sealed class AgentCards(NpgsqlDataSource dataSource, AgentTopics topics, IOptions<MqttOptions> mqtt, IOptions<McpOptions> mcp)
{
    public const string ProtocolVersion = "0.3.0";

    /// <summary>The card's extension that carries AgentLink's own endpoints (A2A cards allow extensions; their params are free-form).</summary>
    public const string EndpointsExtension = "urn:agentlink:a2a:endpoints:v1";

    public sealed record Card(
        string ProtocolVersion, string Name, string Description, string Url, string Version, CardProvider Provider, CardCapabilities Capabilities,
        IReadOnlyDictionary<string, CardSecurityScheme> SecuritySchemes, IReadOnlyList<IReadOnlyDictionary<string, string[]>> Security,
        string[] DefaultInputModes, string[] DefaultOutputModes, IReadOnlyList<CardSkill> Skills);

    public sealed record CardProvider(string Organization, string Url);

    public sealed record CardCapabilities(bool Streaming, bool PushNotifications, IReadOnlyList<CardExtension> Extensions);

    public sealed record CardExtension(string Uri, string Description, bool Required, AgentLinkEndpoints Params);

    public sealed record AgentLinkEndpoints(Guid WorkspaceId, Guid AgentUserId, string AgentId, string Mcp, string Mqtt, string Inbox, string Status, bool Public);

    public sealed record CardSecurityScheme(string Type, string Scheme, string Description);

    public sealed record CardSkill(string Id, string Name, string Description, string[] Tags);

    public sealed record Directory(Guid WorkspaceId, string Workspace, IReadOnlyList<Card> Cards);

    public sealed record CardRequest(bool? Public, string? Description);

    public sealed record CardSettings(Guid AgentUserId, bool Public, string? Description, string CardUrl);

    private sealed class Row
    {
        public Guid UserId { get; set; }
        public Guid WorkspaceId { get; set; }
        public string Workspace { get; set; } = "";
        public string AgentId { get; set; } = "";
        public string Name { get; set; } = "";
        public string? FrameworkType { get; set; }
        public string? Description { get; set; }
        public bool Public { get; set; }
        public string Skills { get; set; } = "[]";
    }

    // Public cards, and every card for a member (@userId: the signed-in caller, or null); the skills are those
    // assigned, with their current descriptions. The workspace's name comes along for the directory.
    private const string CardsSql = """
        select ra.user_id, ra.workspace_id, w.name as workspace, ra.agent_id, u.name, r.framework_type, ra.card_description as description,
               ra.card_public as public,
               coalesce((select json_agg(json_build_object('slug', s.slug, 'description', v.description) order by s.slug)::text
                         from skill_assignments a join skills s on s.id = a.skill_id
                         join skill_versions v on v.skill_id = a.skill_id and v.number = a.version
                         where a.agent_user_id = ra.user_id), '[]') as skills
        from remote_agents ra join users u on u.id = ra.user_id join workspaces w on w.id = ra.workspace_id
        join agent_registrations r on r.id = ra.registration_id
        where ra.workspace_id = @workspaceId and (@agentUserId::uuid is null or ra.user_id = @agentUserId)
          and (ra.card_public or exists (select 1 from memberships m where m.workspace_id = ra.workspace_id and m.user_id = @userId))
        order by lower(u.name)
        """;

    private const string SettingsSql = """
        update remote_agents set card_public = coalesce(@public, card_public),
               card_description = case when @description::text is null then card_description else nullif(@description, '') end
        where workspace_id = @workspaceId and user_id = @agentUserId
        returning user_id, card_public, card_description
        """;

    private sealed record SkillRow(string Slug, string Description);

    /// <summary>One agent's A2A card, at its well-known path. Members see it; others only when its owner made it public.</summary>
    [Function("GetAgentCard")]
    [Caller(Caller.Anyone)]
    public async Task<Results<Ok<Card>, ProblemHttpResult>> One(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/.well-known/agent-card.json")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var userId = await CallerAsync(req);
        await using var conn = await dataSource.OpenConnectionAsync(req.HttpContext.RequestAborted);
        var cards = await CardsAsync(conn, req, workspaceId, agentUserId, userId);
        return cards.Count == 0 ? ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent card") : TypedResults.Ok(cards[0]);
    }

    /// <summary>The workspace's directory of A2A cards: every claimed agent's for members, the public ones for anyone else.</summary>
    [Function("ListAgentCards")]
    [Caller(Caller.Anyone)]
    public async Task<Results<Ok<Directory>, ProblemHttpResult>> All(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/.well-known/agent-cards.json")] HttpRequest req, Guid workspaceId)
    {
        var userId = await CallerAsync(req);
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspace = userId is null ? null : await conn.QuerySingleOrDefaultAsync<string?>(Cmd.For(MemberWorkspaceSql, new { workspaceId, userId }, ct));
        var cards = await CardsAsync(conn, req, workspaceId, null, userId);
        // Not a member and nothing public: the same answer as a workspace that does not exist.
        if (workspace is null && cards.Count == 0) return ApiProblem.NotFound(ErrorCodes.WorkspaceNotFound, "Workspace");
        return TypedResults.Ok(new Directory(workspaceId, workspace ?? cards[0].Provider.Organization, cards));
    }

    /// <summary>Makes an agent's card public (or members-only again) and sets what it says the agent does; the workspace owner only.</summary>
    [Function("UpdateAgentCard")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Owner), JsonBody(typeof(CardRequest))]
    public async Task<Results<Ok<CardSettings>, ValidationProblem, ProblemHttpResult>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/card")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var body = await req.ReadJsonAsync<CardRequest>();
        var ct = req.HttpContext.RequestAborted;
        var description = body.Description?.Trim();
        var check = new Validate()
            .Check(body.Public is not null || body.Description is not null, "public", "Give public, description, or both.")
            .Check(description is not { Length: > 2000 }, "description", "At most 2000 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(Guid UserId, bool Public, string? Description)?>(
            Cmd.For(SettingsSql, new { workspaceId, agentUserId, @public = body.Public, description }, ct));
        if (row is not { } saved) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return TypedResults.Ok(new CardSettings(saved.UserId, saved.Public, saved.Description, CardUrl(req, workspaceId, agentUserId)));
    }

    private static string Origin(HttpRequest req) => $"{req.Scheme}://{req.Host}";

    private static string CardUrl(HttpRequest req, Guid workspaceId, Guid agentUserId) =>
        $"{Origin(req)}/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/.well-known/agent-card.json";

    private const string MemberWorkspaceSql =
        "select w.name from memberships m join workspaces w on w.id = m.workspace_id where m.workspace_id = @workspaceId and m.user_id = @userId";

    /// <summary>The signed-in caller, when there is one: a session is optional on these routes.</summary>
    private static async Task<Guid?> CallerAsync(HttpRequest req)
    {
        var signedIn = await req.HttpContext.AuthenticateAsync(SessionAuthenticationHandler.SchemeName);
        return signedIn.Succeeded ? signedIn.Principal.UserId() : null;
    }

    private async Task<IReadOnlyList<Card>> CardsAsync(NpgsqlConnection conn, HttpRequest req, Guid workspaceId, Guid? agentUserId, Guid? userId)
    {
        var rows = await conn.QueryAsync<Row>(Cmd.For(CardsSql, new { workspaceId, agentUserId, userId }, req.HttpContext.RequestAborted));
        var mcpUrl = string.IsNullOrWhiteSpace(mcp.Value.PublicUrl) ? Origin(req) + mcp.Value.Path : mcp.Value.PublicUrl!;
        return rows.Select(r => ToCard(r, req, mcpUrl)).ToList();
    }

    private Card ToCard(Row r, HttpRequest req, string mcpUrl)
    {
        var skills = System.Text.Json.JsonSerializer.Deserialize<SkillRow[]>(r.Skills, System.Text.Json.JsonSerializerOptions.Web) ?? [];
        var endpoints = new AgentLinkEndpoints(r.WorkspaceId, r.UserId, r.AgentId, mcpUrl, mqtt.Value.ResolvedPublicUrl,
            topics.Inbox(r.WorkspaceId, r.AgentId), topics.Status(r.WorkspaceId, r.AgentId), r.Public);
        return new Card(
            ProtocolVersion, r.Name,
            r.Description ?? $"An AI agent{(r.FrameworkType is { Length: > 0 } f ? $" ({f})" : "")} in the {r.Workspace} workspace on AgentLink. Talk to it in a DM there.",
            mcpUrl, "1.0", new CardProvider(r.Workspace, Origin(req)),
            new CardCapabilities(Streaming: false, PushNotifications: false,
                [new CardExtension(EndpointsExtension, "How to reach this agent through AgentLink: its workspace's MCP server and MQTT broker, with an AgentLink agent API key.", false, endpoints)]),
            new Dictionary<string, CardSecurityScheme>
            {
                ["agentlinkApiKey"] = new("http", "bearer", "An AgentLink agent API key (alk_…) of an agent claimed into this workspace."),
            },
            [new Dictionary<string, string[]> { ["agentlinkApiKey"] = [] }],
            ["text/plain", "text/markdown"], ["text/plain", "text/markdown"],
            skills.Select(s => new CardSkill(s.Slug, s.Slug, s.Description, ["agentlink-skill"])).ToList());
    }
}
