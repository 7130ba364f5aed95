using AgentLink.Core.Data;
using Dapper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentLink.Core.Memories;

/// <summary>
/// Keeps the stored memory vectors and the configured embedding model in step. When the model changes, the
/// switch happens once (under an advisory lock, by whichever host starts first): a new dimension changes the
/// column's type (the HNSW index is rebuilt, empty), the same dimension clears the old vectors; either way every
/// memory then waits for ReembedMemories, and is found by words meanwhile.
/// </summary>
public static class EmbeddingModels
{
    public sealed record Model(string Name, int Dimensions);

    public sealed record Progress(string Model, int Dimensions, long Total, long Embedded);

    private const long SwitchLockKey = 0x456D6265644D6F64; // "EmbedMod"

    public static Model Configured(IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        return new Model(metadata?.DefaultModelId ?? "unknown", metadata?.DefaultModelDimensions
            ?? throw new InvalidOperationException("The embedding generator does not say its dimensions; set AgentLink:Memories:Embeddings:Dimensions."));
    }

    /// <summary>Switches the stored vectors to the configured model when it changed; returns the previous model, or null when nothing changed.</summary>
    public static async Task<Model?> SwitchAsync(NpgsqlDataSource dataSource, Model configured, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(Cmd.For("select pg_advisory_xact_lock(@SwitchLockKey)", new { SwitchLockKey }, ct, tx));
        var stored = await conn.QuerySingleAsync<Model>(Cmd.For("select model as name, dimensions from memory_embedding_model", null, ct, tx));
        if (stored == configured) return null;
        if (stored.Dimensions != configured.Dimensions)
            await conn.ExecuteAsync(Cmd.For($"alter table agent_memories alter column embedding type vector({configured.Dimensions}) using null, alter column embedding_model drop not null",
                null, ct, tx));
        else
            await conn.ExecuteAsync(Cmd.For("update agent_memories set embedding = null, embedding_model = null", null, ct, tx));
        await conn.ExecuteAsync(Cmd.For("update memory_embedding_model set model = @Name, dimensions = @Dimensions, changed_at = now()", configured, ct, tx));
        await tx.CommitAsync(ct);
        return stored;
    }

    private const string ProgressSql = """
        select m.model, m.dimensions, (select count(*) from agent_memories where workspace_id = @workspaceId) as total,
               (select count(*) from agent_memories where workspace_id = @workspaceId and embedding is not null) as embedded
        from memory_embedding_model m
        """;

    /// <summary>The model in use and how many of a workspace's memories have its vectors.</summary>
    public static Task<Progress> ProgressAsync(System.Data.IDbConnection conn, Guid workspaceId, CancellationToken ct) =>
        conn.QuerySingleAsync<Progress>(Cmd.For(ProgressSql, new { workspaceId }, ct));

    private sealed record Pending(Guid Id, string Content);

    private const string PendingSql = "select id, content from agent_memories where embedding is null order by id limit @batch for update skip locked";

    private const string FillSql = """
        update agent_memories m set embedding = x.embedding::vector, embedding_model = @model
        from unnest(@ids, @vectors) as x(id, embedding)
        where m.id = x.id and m.embedding is null
        """;

    // pgvector's text form, "[0.1,0.2,…]", sent as text[] and cast in the statement.
    private static string Literal(ReadOnlySpan<float> vector)
    {
        var text = new System.Text.StringBuilder(vector.Length * 10).Append('[');
        for (var i = 0; i < vector.Length; i++) text.Append(i == 0 ? "" : ",").Append(vector[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        return text.Append(']').ToString();
    }

    /// <summary>Embeds one batch of memories that have no vector (taken under row locks, so instances share the work); returns how many.</summary>
    public static async Task<int> ReembedBatchAsync(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> generator, string model, int batch, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var pending = (await conn.QueryAsync<Pending>(Cmd.For(PendingSql, new { batch }, ct, tx))).ToList();
        if (pending.Count == 0) return 0;
        var vectors = await generator.GenerateAsync(pending.Select(p => p.Content), cancellationToken: ct);
        await conn.ExecuteAsync(Cmd.For(FillSql, new
        {
            model, ids = pending.Select(p => p.Id).ToArray(), vectors = vectors.Select(v => Literal(v.Vector.Span)).ToArray(),
        }, ct, tx));
        await tx.CommitAsync(ct);
        return pending.Count;
    }
}

/// <summary>At start, switches the stored vectors over when the configured embedding model changed (see <see cref="EmbeddingModels"/>).</summary>
public sealed class EmbeddingModelCheck(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> generator, ILogger<EmbeddingModelCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = EmbeddingModels.Configured(generator);
        try
        {
            if (await EmbeddingModels.SwitchAsync(dataSource, configured, cancellationToken) is { } previous)
                logger.LogWarning("The embedding model changed from {Previous} ({PreviousDimensions} dimensions) to {Model} ({Dimensions}); every memory is re-embedded in the background, and found by words until then",
                    previous.Name, previous.Dimensions, configured.Name, configured.Dimensions);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            logger.LogWarning("The schema has no memory_embedding_model table yet; run the migrations (dotnet AgentLink.Functions.dll migrate)");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
