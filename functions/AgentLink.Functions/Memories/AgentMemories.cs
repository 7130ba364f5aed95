using AgentLink.Core.Events;
using AgentLink.Core.Memories;

namespace AgentLink.Functions.Memories;

/// <summary>An agent's own memories over HTTP with its key (the same as memory.write and memory.search over MQTT).</summary>
public sealed class AgentMemories(NpgsqlDataSource dataSource, MemoryStore memories, EventPublisher events)
{
    public sealed record WriteRequest(string? Content, string? Topic, string? Source, double? Confidence);

    public sealed record WriteResult(MemoryView Memory, bool Merged);

    private Task<(Guid UserId, Guid WorkspaceId)?> AgentAsync(HttpRequest req, string agentId, CancellationToken ct) => AgentCaller.FindAsync(dataSource, req, agentId, ct);

    /// <summary>
    /// Remembers something (source conversation by default, or dreaming); a near-duplicate of one of its
    /// memories (cosine at or above AgentLink:Memories:DuplicateThreshold) updates that one (merged: true).
    /// </summary>
    [Function("WriteAgentMemory")]
    [Caller(Caller.Agent), JsonBody(typeof(WriteRequest))]
    public async Task<Results<Ok<WriteResult>, ValidationProblem, ProblemHttpResult>> Write(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/{agentId}/memories")] HttpRequest req, string agentId)
    {
        var body = await req.ReadJsonAsync<WriteRequest>();
        var ct = req.HttpContext.RequestAborted;
        var source = body.Source ?? MemorySources.Conversation;
        var problems = MemoryRules.CheckAgentWrite(body.Content, body.Topic, source, body.Confidence, memories.Options.MaxContentLength);
        if (problems.Count > 0) return ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
        if (await AgentAsync(req, agentId, ct) is not { } agent) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        var written = await memories.WriteAsync(new MemoryStore.Write(agent.WorkspaceId, agent.UserId, body.Content!.Trim(), MemoryRules.Topic(body.Topic),
            source, body.Confidence ?? 0.5, null), ct);
        await events.PublishAsync(written.Event, ct);
        return TypedResults.Ok(new WriteResult(written.Memory, written.Merged));
    }

    /// <summary>Searches its own memories by meaning and words (hybrid: HNSW cosine and full text, fused by reciprocal rank).</summary>
    [Function("SearchAgentMemories")]
    [Caller(Caller.Agent)]
    [Query("q", typeof(string), "What to look for."), Query("topic", typeof(string), "Only this topic."), Query("limit", typeof(int?), "At most this many (10 by default, 50 at most).")]
    public async Task<Results<Ok<IReadOnlyList<MemoryHit>>, ValidationProblem, ProblemHttpResult>> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/{agentId}/memories/search")] HttpRequest req, string agentId)
    {
        var ct = req.HttpContext.RequestAborted;
        var q = req.Query["q"].ToString().Trim();
        if (q.Length == 0 || q.Length > 1000) return ApiProblem.Invalid("q", "Required: 1 to 1000 characters.");
        if (!MemoryQuery.TryLimit(req, out var limit)) return ApiProblem.Invalid("limit", "A number from 1 to 50.");
        if (await AgentAsync(req, agentId, ct) is not { } agent) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return TypedResults.Ok(await memories.SearchAsync(agent.WorkspaceId, agent.UserId, q, MemoryRules.Topic(req.Query["topic"]), limit, ct));
    }

    /// <summary>Its memories, newest first (pinned=true: only the pinned ones, which it is also given on connect).</summary>
    [Function("ListAgentMemories")]
    [Caller(Caller.Agent)]
    [Query("pinned", typeof(bool?), "Only pinned (true) or unpinned (false) memories."), Query("topic", typeof(string), "Only this topic.")]
    public async Task<Results<Ok<IReadOnlyList<MemoryView>>, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/{agentId}/memories")] HttpRequest req, string agentId)
    {
        var ct = req.HttpContext.RequestAborted;
        if (await AgentAsync(req, agentId, ct) is not { } agent) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await MemoryQuery.ListAsync(conn, agent.UserId, MemoryQuery.Pinned(req), MemoryRules.Topic(req.Query["topic"]), null, ct));
    }
}
