using System.Data;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Options;
using Dapper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Npgsql;
using Pgvector;

namespace AgentLink.Core.Memories;

/// <summary>
/// Writes and searches agents' memories; shared by the HTTP functions and the MQTT bridge. A write
/// that is nearly the same as one of the agent's memories (cosine at or above DuplicateThreshold)
/// updates that memory instead of adding a new one. Search fuses the HNSW (cosine) ranking with the
/// full-text ranking by reciprocal rank, always within one agent of one workspace.
/// </summary>
public sealed class MemoryStore(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> embeddings, IOptions<MemoryOptions> options)
{
    // Confidence is a real (float4) in the table; views carry a double.
    public const string Columns = "id, workspace_id, agent_user_id, content, topic, source, confidence::float8 as confidence, pinned, shared_from, created_at, updated_at";

    public MemoryOptions Options => options.Value;

    public string ModelId => embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown";

    public async Task<Vector> EmbedAsync(string text, CancellationToken ct) =>
        new((await embeddings.GenerateAsync([text], cancellationToken: ct))[0].Vector);

    public sealed record Write(Guid WorkspaceId, Guid AgentUserId, string Content, string? Topic, string Source, double Confidence, Guid? CreatedBy, Guid? SharedFrom = null);

    public sealed record Written(MemoryView Memory, bool Merged, WorkspaceEvent Event);

    // The agent's closest memory, by an exact scan of its own rows (the + 0 keeps the planner off the
    // HNSW index, whose post-filtering could miss it among other agents' rows).
    private static readonly string NearestSql = $"""
        select id, 1 - (embedding <=> @vector) as similarity from agent_memories
        where agent_user_id = @agentUserId and embedding is not null
        order by (embedding <=> @vector) + 0 limit 1
        """;

    private static readonly string InsertSql = $"""
        insert into agent_memories (id, workspace_id, agent_user_id, content, topic, source, confidence, created_by, shared_from, embedding, embedding_model)
        values (@id, @workspaceId, @agentUserId, @content, @topic, @source, @confidence, @createdBy, @sharedFrom, @vector, @model)
        returning {Columns}
        """;

    private static readonly string MergeSql = $"""
        update agent_memories set content = @content, topic = coalesce(@topic, topic), confidence = greatest(confidence, @confidence),
            embedding = @vector, embedding_model = @model, updated_at = now()
        where id = @id
        returning {Columns}
        """;

    /// <summary>Adds the memory, or updates the agent's near-duplicate; the workspace hears memory.written.</summary>
    /// <param name="alsoInTransaction">More to write in the same transaction (the MQTT path claims the envelope id with it).</param>
    public async Task<Written> WriteAsync(Write w, CancellationToken ct, Func<IDbConnection, IDbTransaction, Task>? alsoInTransaction = null)
    {
        var vector = await EmbedAsync(w.Content, ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One write per agent at a time, so two near-duplicates written together still merge.
        await conn.ExecuteAsync(Cmd.For("select pg_advisory_xact_lock(hashtextextended(@agentUserId::text, 11))", new { w.AgentUserId }, ct, tx));
        var nearest = await conn.QuerySingleOrDefaultAsync<(Guid Id, double Similarity)?>(Cmd.For(NearestSql, new { w.AgentUserId, vector }, ct, tx));
        var merged = nearest is { } n && n.Similarity >= options.Value.DuplicateThreshold;
        var args = new
        {
            id = merged ? nearest!.Value.Id : Guid.CreateVersion7(), w.WorkspaceId, w.AgentUserId, w.Content, w.Topic, w.Source,
            confidence = (float)w.Confidence, w.CreatedBy, w.SharedFrom, vector, model = ModelId,
        };
        var memory = await conn.QuerySingleAsync<MemoryView>(Cmd.For(merged ? MergeSql : InsertSql, args, ct, tx));
        var e = await AppendAsync(conn, tx, memory, merged ? "merged" : "added", ct);
        if (alsoInTransaction is not null) await alsoInTransaction(conn, tx);
        await tx.CommitAsync(ct);
        return new Written(memory, merged, e);
    }

    /// <summary>memory.written on the workspace stream: {memory, change: added|merged|edited|deleted}.</summary>
    public static async Task<WorkspaceEvent> AppendAsync(IDbConnection conn, IDbTransaction tx, MemoryView memory, string change, CancellationToken ct)
    {
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, memory.WorkspaceId, ct);
        return await WorkspaceEventLog.AppendAsync(conn, tx, memory.WorkspaceId, seq, EventTypes.MemoryWritten, null, null, new { memory, change }, ct);
    }

    // Every search stays within one agent of one workspace (and one topic when asked). Two texts rather than
    // "(@topic is null or topic = @topic)": a prepared statement's generic plan cannot use the topic in an
    // index condition through that OR, and scanned all the agent's rows instead of its topic's.
    private static string Scope(bool topic) => "workspace_id = @workspaceId and agent_user_id = @agentUserId" + (topic ? " and topic = @topic" : "");

    // Reciprocal-rank fusion (k = 60) of two rankings, each over the agent's memories only. The vector
    // ranking runs on the HNSW index with iterative scanning, so the workspace and agent filters (applied
    // after the index) still yield enough candidates.
    private static string SearchSql(bool exact, bool topic) => $"""
        with vec as (
            select id, row_number() over (order by distance) as rank from (
                select id, embedding <=> @vector as distance from agent_memories
                where {Scope(topic)} and embedding is not null
                order by {VectorOrder(exact)} limit @candidates) v),
        txt as (
            select id, row_number() over (order by score desc) as rank from (
                select id, ts_rank_cd(search, query) as score from agent_memories, websearch_to_tsquery('english', @text) query
                where {Scope(topic)} and search @@ query
                order by score desc limit @candidates) t),
        fused as (
            select coalesce(vec.id, txt.id) as id, vec.rank as vector_rank, txt.rank as text_rank,
                   (coalesce(1.0 / (60 + vec.rank), 0) + coalesce(1.0 / (60 + txt.rank), 0))::float8 as score
            from vec full outer join txt on txt.id = vec.id)
        select {string.Join(", ", Columns.Split(", ").Select(c => "m." + c))}, f.score, f.vector_rank, f.text_rank
        from fused f join agent_memories m on m.id = f.id
        order by f.score desc, m.pinned desc, m.updated_at desc
        limit @limit
        """;

    // The statement for each (exact, topic filter) pair, built once.
    private static readonly string[] SearchSqls = [SearchSql(false, false), SearchSql(false, true), SearchSql(true, false), SearchSql(true, true)];
    private static readonly string[] NearestSqls = [NearestIdsSql(false, false), NearestIdsSql(false, true), NearestIdsSql(true, false), NearestIdsSql(true, true)];
    private static readonly string[] ScopeSizeSqls = [ScopeSizeSql(false), ScopeSizeSql(true)];
    private static int Variant(bool exact, string? topic) => (exact ? 2 : 0) + (topic is null ? 0 : 1);

    // By the HNSW index, or by comparing every vector in scope (the + 0 keeps the index out).
    private static string VectorOrder(bool exact) => exact ? "(embedding <=> @vector) + 0" : "embedding <=> @vector";

    private static string ScopeSizeSql(bool topic) => $"select count(*) from (select 1 from agent_memories where {Scope(topic)} limit @cap) s";

    /// <summary>Whether the filters leave few enough memories to compare all of them exactly (MemoryOptions.ExactScanBelow).</summary>
    private async Task<bool> SmallScopeAsync(IDbConnection conn, IDbTransaction tx, Guid workspaceId, Guid agentUserId, string? topic, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<long>(Cmd.For(ScopeSizeSqls[topic is null ? 0 : 1], new { workspaceId, agentUserId, topic, cap = options.Value.ExactScanBelow + 1 }, ct, tx))
            <= options.Value.ExactScanBelow;

    private sealed record HitRow(Guid Id, Guid WorkspaceId, Guid AgentUserId, string Content, string? Topic, string Source, double Confidence, bool Pinned,
        Guid? SharedFrom, DateTime CreatedAt, DateTime UpdatedAt, double Score, long? VectorRank, long? TextRank)
    {
        public MemoryHit ToHit() => new(new MemoryView(Id, WorkspaceId, AgentUserId, Content, Topic, Source, Confidence, Pinned, SharedFrom, CreatedAt, UpdatedAt),
            Score, (int?)VectorRank, (int?)TextRank);
    }

    /// <summary>The agent's memories closest to the query, by meaning and by words; pinned ones are flagged and win ties.</summary>
    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(Guid workspaceId, Guid agentUserId, string query, string? topic, int limit, CancellationToken ct)
    {
        var vector = await EmbedAsync(query, ct);
        return await SearchAsync(workspaceId, agentUserId, vector, query, topic, limit, ct);
    }

    /// <summary>The same with the query's vector given (the benchmark feeds its own).</summary>
    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(Guid workspaceId, Guid agentUserId, Vector vector, string text, string? topic, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await TuneAsync(conn, tx, options.Value.EfSearch, ct);
        var exact = await SmallScopeAsync(conn, tx, workspaceId, agentUserId, topic, ct);
        var rows = await conn.QueryAsync<HitRow>(Cmd.For(SearchSqls[Variant(exact, topic)], new
        {
            workspaceId, agentUserId, vector, text, topic, candidates = Math.Max(limit, options.Value.SearchCandidates), limit,
        }, ct, tx));
        await tx.CommitAsync(ct);
        return rows.Select(r => r.ToHit()).ToList();
    }

    // The vector ranking alone, as the search's first arm runs it (HNSW, iterative scan), or exactly
    // (the + 0 keeps the index out, so PostgreSQL compares every one of the agent's rows).
    private static string NearestIdsSql(bool exact, bool topic) => $"select id from agent_memories where {Scope(topic)} and embedding is not null order by {VectorOrder(exact)} limit @k";

    /// <summary>
    /// The ids of the agent's k nearest memories: as search's vector ranking finds them (the index, or an exact
    /// comparison for a small scope), or always exactly (the truth, for measuring recall).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> NearestIdsAsync(Guid workspaceId, Guid agentUserId, Vector vector, string? topic, int k, bool exact, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await TuneAsync(conn, tx, options.Value.EfSearch, ct);
        exact = exact || await SmallScopeAsync(conn, tx, workspaceId, agentUserId, topic, ct);
        var ids = (await conn.QueryAsync<Guid>(Cmd.For(NearestSqls[Variant(exact, topic)], new { workspaceId, agentUserId, vector, topic, k }, ct, tx))).ToList();
        await tx.CommitAsync(ct);
        return ids;
    }

    /// <summary>For this transaction: how wide HNSW searches, and that it keeps scanning until the filters are satisfied.</summary>
    public static Task TuneAsync(IDbConnection conn, IDbTransaction tx, int efSearch, CancellationToken ct) =>
        conn.ExecuteAsync(Cmd.For($"set local hnsw.ef_search = {Math.Clamp(efSearch, 10, 1000)}; set local hnsw.iterative_scan = relaxed_order", null, ct, tx));
}
