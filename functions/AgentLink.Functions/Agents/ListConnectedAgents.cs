namespace AgentLink.Functions.Agents;

public sealed class ListConnectedAgents(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        select ra.agent_id, ra.user_id, u.name as human_name, ra.status, ra.status <> 'offline' as online, ra.last_seen
        from remote_agents ra join users u on u.id = ra.user_id
        where ra.registration_id = @registrationId
        order by ra.agent_id
        """;

    /// <summary>The calling registration's MQTT agent ids, with whether each is online and when it was last seen.</summary>
    [Function(nameof(ListConnectedAgents))]
    [Caller(Caller.Agent)]
    public async Task<Ok<IEnumerable<ConnectedAgentView>>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/connect")] HttpRequest req)
    {
        var ct = req.HttpContext.RequestAborted;
        var agent = req.HttpContext.User;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await conn.QueryAsync<ConnectedAgentView>(Cmd.For(Sql, new { registrationId = agent.RegistrationId() }, ct)));
    }
}
