using AgentLink.Core.Events;
using AgentLink.Functions.Workspaces;

namespace AgentLink.Functions.Agents;

public sealed class RemoveAgent(NpgsqlDataSource dataSource, EventPublisher events, IEventBus bus)
{
    /// <summary>The agent removes one of its MQTT agent ids; its connection is dropped and it may not connect again.</summary>
    [Function(nameof(RemoveAgent))]
    [Caller(Caller.Agent)]
    public async Task<Results<NoContent, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/agents/{agentId}")] HttpRequest req, string agentId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var found = await AgentCaller.FindAsync(conn, req, agentId, ct, tx);
        if (found is not { } target) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        // The agent removes itself: its registration owns this agent id (the lookup above, in this transaction).
        if (await MemberRemoval.RemoveAsync(conn, tx, target.WorkspaceId, target.UserId, target.UserId, ct) is not { } removed)
            return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await tx.CommitAsync(ct);
        await events.PublishAsync(removed.Event, ct);
        await MemberRemoval.DisconnectAgentAsync(bus, target.UserId);
        return TypedResults.NoContent();
    }
}
