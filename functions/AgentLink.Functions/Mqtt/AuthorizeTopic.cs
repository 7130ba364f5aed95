using AgentLink.Core.Agents;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Mqtt;

public sealed class AuthorizeTopic(NpgsqlDataSource dataSource, AgentTopicAcl acl, AgentTopics topics, IOptions<MqttOptions> options)
{
    // Action is "publish" or "subscribe" (EMQX); or acc is 1 read, 2 write, 4 subscribe (mosquitto-go-auth).
    // The broker does not resend the password here, so the agent is found by its user id (username).
    public sealed record Request(string? ClientId, string? Username, string? Topic, string? Action, int? Acc);

    private const string AgentSql = """
        select ra.user_id, ra.workspace_id, ra.agent_id, u.name
        from remote_agents ra join users u on u.id = ra.user_id
        where ra.user_id = @userId
        """;

    /// <summary>Broker hook, SUBSCRIBE and PUBLISH: may this client use this topic? An agent only its own topics and its channels'.</summary>
    [Function(nameof(AuthorizeTopic))]
    [Caller(Caller.Broker), RateLimit(RateLimitPolicies.BrokerHooks), JsonBody(typeof(Request))]
    public async Task<Results<Ok<HookResult>, ValidationProblem>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/mqtt/acl")] HttpRequest req)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        MqttAccess? access = (body.Action?.ToLowerInvariant(), body.Acc) switch
        {
            ("publish", _) or (null, 2) => MqttAccess.Publish,
            ("subscribe", _) or (null, 1) or (null, 4) => MqttAccess.Subscribe,
            _ => null,
        };
        if (access is null) return ApiProblem.Invalid("action", "\"publish\" or \"subscribe\" (or acc 1, 2 or 4).");
        if (string.IsNullOrEmpty(body.Topic)) return ApiProblem.Invalid("topic", "Required.");

        // The bridge was authenticated with its password at CONNECT; it may use the whole topic tree.
        if (body.Username == options.Value.BridgeUsername && !string.IsNullOrEmpty(options.Value.BridgePassword))
            return TypedResults.Ok(UnderRoot(body.Topic, topics.Root) ? HookResult.Allow(true) : HookResult.Deny("Outside the AgentLink topic root."));

        if (!Guid.TryParse(body.Username, out var userId) || !AgentDirectory.OwnsClientId(userId, body.ClientId))
            return TypedResults.Ok(HookResult.Deny("Unknown client."));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var agent = await conn.QuerySingleOrDefaultAsync<AgentIdentity>(Cmd.For(AgentSql, new { userId }, ct));
        if (agent is null) return TypedResults.Ok(HookResult.Deny("Unknown client."));
        var decision = await acl.CheckAsync(agent, body.Topic, access.Value, ct);
        return TypedResults.Ok(decision.Allowed ? HookResult.Allow() : HookResult.Deny(decision.Reason));
    }

    private static bool UnderRoot(string topic, string root) =>
        topic.StartsWith(root + "/", StringComparison.Ordinal) || topic.StartsWith("$share/", StringComparison.Ordinal) && topic.Contains("/" + root + "/", StringComparison.Ordinal);
}
