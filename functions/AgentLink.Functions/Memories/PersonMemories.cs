using AgentLink.Core.Events;
using AgentLink.Core.Memories;

namespace AgentLink.Functions.Memories;

/// <summary>People curate an agent's memories: read and search them, add, edit, pin, delete, and share one with another agent.</summary>
public sealed class PersonMemories(NpgsqlDataSource dataSource, MemoryStore memories, EventPublisher events)
{
    public sealed record AddRequest(string? Content, string? Topic, double? Confidence);

    public sealed record EditRequest(string? Content, string? Topic, bool? Pinned, double? Confidence);

    public sealed record ShareRequest(Guid? AgentUserId);

    public sealed record TopicCount(string? Topic, int Count);

    public sealed record AgentMemoryView(IReadOnlyList<MemoryView> Memories, IReadOnlyList<MemoryHit>? Hits, IReadOnlyList<TopicCount> Topics, int LearnedToday);

    private const string TopicsSql = """
        select topic, count(*)::int as count from agent_memories where agent_user_id = @agentUserId
        group by topic order by count(*) desc, topic nulls last limit 50
        """;

    private const string TodaySql = "select count(*)::int from agent_memories where agent_user_id = @agentUserId and created_at >= now() - interval '1 day'";

    /// <summary>An agent's memories (newest and pinned first; filters: topic, source, pinned), its topics and what it learned in the last day; with q, a hybrid search instead.</summary>
    [Function("ListMemories")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    [Query("q", typeof(string), "Search by meaning and words."), Query("topic", typeof(string), "Only this topic."),
     Query("source", typeof(string), "conversation, dreaming, human or cross-agent."), Query("pinned", typeof(bool?), "Only pinned (true) or unpinned (false).")]
    public async Task<Results<Ok<AgentMemoryView>, ValidationProblem, ProblemHttpResult>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/memories")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var ct = req.HttpContext.RequestAborted;
        var q = req.Query["q"].ToString().Trim();
        if (q.Length > 1000) return ApiProblem.Invalid("q", "At most 1000 characters.");
        var source = req.Query["source"].ToString() is { Length: > 0 } s ? s : null;
        if (source is not null && !MemorySources.All.Contains(source)) return ApiProblem.Invalid("source", $"One of: {string.Join(", ", MemorySources.All)}.");
        var topic = MemoryRules.Topic(req.Query["topic"]);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        var hits = q.Length > 0 ? await memories.SearchAsync(workspaceId, agentUserId, q, topic, 20, ct) : null;
        var list = hits is null ? await MemoryQuery.ListAsync(conn, agentUserId, MemoryQuery.Pinned(req), topic, source, ct) : [];
        var topics = (await conn.QueryAsync<TopicCount>(Cmd.For(TopicsSql, new { agentUserId }, ct))).ToList();
        var today = await conn.ExecuteScalarAsync<int>(Cmd.For(TodaySql, new { agentUserId }, ct));
        return TypedResults.Ok(new AgentMemoryView(list, hits, topics, today));
    }

    /// <summary>A person adds a memory for an agent (source human); a near-duplicate updates the existing one.</summary>
    [Function("AddMemory")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(AddRequest))]
    public async Task<Results<Ok<AgentMemories.WriteResult>, ValidationProblem, ProblemHttpResult>> Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/agents/{agentUserId:guid}/memories")] HttpRequest req,
        Guid workspaceId, Guid agentUserId)
    {
        var body = await req.ReadJsonAsync<AddRequest>();
        var ct = req.HttpContext.RequestAborted;
        var problems = MemoryRules.Check(body.Content, body.Topic, null, body.Confidence, memories.Options.MaxContentLength);
        if (problems.Count > 0) return ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            if (!await WorkspaceAgents.ContainsAsync(conn, workspaceId, agentUserId, ct)) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        var written = await memories.WriteAsync(new MemoryStore.Write(workspaceId, agentUserId, body.Content!.Trim(), MemoryRules.Topic(body.Topic),
            MemorySources.Human, body.Confidence ?? 1, req.HttpContext.User.UserId()), ct);
        await events.PublishAsync(written.Event, ct);
        return TypedResults.Ok(new AgentMemories.WriteResult(written.Memory, written.Merged));
    }

    // The caller's right (a member, not a viewer, of the memory's workspace) is part of every write's WHERE.
    private const string MayWrite = "exists (select 1 from memberships wm where wm.workspace_id = m.workspace_id and wm.user_id = @userId and wm.role <> 'viewer')";
    private const string MayRead = "exists (select 1 from memberships rm where rm.workspace_id = m.workspace_id and rm.user_id = @userId)";

    private static readonly string FindSql = $"select {MemoryStore.Columns}, exists (select 1 from memberships wm where wm.workspace_id = m.workspace_id and wm.user_id = @userId and wm.role <> 'viewer') as writable from agent_memories m where id = @memoryId and {MayRead}";

    private sealed record Found(Guid Id, Guid WorkspaceId, Guid AgentUserId, string Content, string? Topic, string Source, double Confidence, bool Pinned,
        Guid? SharedFrom, DateTime CreatedAt, DateTime UpdatedAt, bool Writable);

    /// <summary>The memory, when the caller may change it; otherwise why not (404 outside its workspace, 403 for a viewer).</summary>
    private static async Task<(Found? Memory, ProblemHttpResult? Problem)> WritableAsync(NpgsqlConnection conn, Guid memoryId, Guid userId, string verb, CancellationToken ct)
    {
        if (await conn.QuerySingleOrDefaultAsync<Found>(Cmd.For(FindSql, new { memoryId, userId }, ct)) is not { } found)
            return (null, ApiProblem.NotFound(ErrorCodes.MemoryNotFound, "Memory"));
        return found.Writable ? (found, null) : (null, ApiProblem.Forbidden(ErrorCodes.RoleTooLow, $"Viewers can read memories but not {verb} them."));
    }

    private static readonly string EditSql = $"""
        update agent_memories m set content = coalesce(@content, content), topic = case when @setTopic then @topic else topic end,
            pinned = coalesce(@pinned, pinned), confidence = coalesce(@confidence::real, confidence),
            embedding = coalesce(@vector, embedding), embedding_model = case when @vector is null then embedding_model else @model end, updated_at = now()
        where id = @memoryId and {MayWrite}
        returning {MemoryStore.Columns}
        """;

    /// <summary>Edits a memory: its content (re-embedded), topic, pinned, confidence.</summary>
    [Function("EditMemory")]
    [Caller(Caller.Person), JsonBody(typeof(EditRequest))]
    public async Task<Results<Ok<MemoryView>, ValidationProblem, ProblemHttpResult>> Edit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/memories/{memoryId:guid}")] HttpRequest req, Guid memoryId)
    {
        var body = await req.ReadJsonAsync<EditRequest>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var problems = MemoryRules.Check(body.Content, body.Topic, null, body.Confidence, memories.Options.MaxContentLength, contentRequired: false);
        if (body.Content is { } c && string.IsNullOrWhiteSpace(c)) problems["content"] = "Must not be empty.";
        if (problems.Count > 0) return ApiProblem.Invalid(problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if ((await WritableAsync(conn, memoryId, userId, "change", ct)).Problem is { } refused) return refused;
        var vector = body.Content is { } text ? await memories.EmbedAsync(text.Trim(), ct) : null;
        await using var tx = await conn.BeginTransactionAsync(ct);
        var edited = await conn.QuerySingleOrDefaultAsync<MemoryView>(Cmd.For(EditSql, new
        {
            memoryId, userId, content = body.Content?.Trim(), setTopic = body.Topic is not null, topic = MemoryRules.Topic(body.Topic), body.Pinned,
            confidence = body.Confidence, vector, model = memories.ModelId,
        }, ct, tx));
        if (edited is null) return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role changed meanwhile: viewers cannot change memories.");
        var e = await MemoryStore.AppendAsync(conn, tx, edited, "edited", ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(edited);
    }

    private static readonly string DeleteSql = $"delete from agent_memories m where id = @memoryId and {MayWrite} returning {MemoryStore.Columns}";

    /// <summary>Deletes a memory.</summary>
    [Function("DeleteMemory")]
    [Caller(Caller.Person)]
    public async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/memories/{memoryId:guid}")] HttpRequest req, Guid memoryId)
    {
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if ((await WritableAsync(conn, memoryId, userId, "delete", ct)).Problem is { } refused) return refused;
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<MemoryView>(Cmd.For(DeleteSql, new { memoryId, userId }, ct, tx)) is not { } deleted)
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Your role changed meanwhile: viewers cannot delete memories.");
        var e = await MemoryStore.AppendAsync(conn, tx, deleted, "deleted", ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Shares a memory with another agent of the workspace: it gets its own copy (source cross-agent), found by its searches.</summary>
    [Function("ShareMemory")]
    [Caller(Caller.Person), JsonBody(typeof(ShareRequest))]
    public async Task<Results<Ok<AgentMemories.WriteResult>, ValidationProblem, ProblemHttpResult>> Share(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/memories/{memoryId:guid}/share")] HttpRequest req, Guid memoryId)
    {
        var body = await req.ReadJsonAsync<ShareRequest>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        if (body.AgentUserId is not { } target) return ApiProblem.Invalid("agentUserId", "Required: the agent to share it with.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (found, problem) = await WritableAsync(conn, memoryId, userId, "share", ct);
        if (problem is not null) return problem;
        if (target == found!.AgentUserId || !await WorkspaceAgents.ContainsAsync(conn, found.WorkspaceId, target, ct))
            return ApiProblem.Invalid("agentUserId", "Another agent of this workspace.");
        var written = await memories.WriteAsync(new MemoryStore.Write(found.WorkspaceId, target, found.Content, found.Topic, MemorySources.CrossAgent,
            found.Confidence, userId, found.Id), ct);
        await events.PublishAsync(written.Event, ct);
        return TypedResults.Ok(new AgentMemories.WriteResult(written.Memory, written.Merged));
    }
}
