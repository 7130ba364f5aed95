using AgentLink.Core.Events;
using AgentLink.Functions.Workspaces;

namespace AgentLink.Functions.Agents;

public static class RemoveAgent
{
    private const string FindSql = "select user_id, workspace_id from remote_agents where registration_id = @registrationId and agent_id = @agentId";

    /// <summary>The agent removes one of its MQTT agent ids; its connection is dropped and it may not connect again.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        string agentId, ClaimsPrincipal agent, NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var found = await conn.QuerySingleOrDefaultAsync<(Guid UserId, Guid WorkspaceId)?>(FindSql, new { registrationId = agent.RegistrationId(), agentId }, tx);
        if (found is not { } target) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        var removed = await MemberRemoval.RemoveAsync(conn, tx, target.WorkspaceId, target.UserId);
        await tx.CommitAsync(ct);
        await events.PublishAsync(removed.Event, ct);
        await MemberRemoval.DisconnectAgentAsync(bus, target.UserId);
        return TypedResults.NoContent();
    }
}
