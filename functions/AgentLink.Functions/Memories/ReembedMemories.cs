using AgentLink.Core.Memories;
using AgentLink.Core.Options;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Memories;

/// <summary>
/// After the embedding model changed, gives every memory its new vector in the background, a batch at a time (rows
/// taken under skip-locked row locks, so instances share the work); a tick works for up to 20 seconds. Progress is
/// per workspace at GET …/memories/embeddings. With nothing to do, a tick is one indexed query.
/// </summary>
public sealed class ReembedMemories(NpgsqlDataSource dataSource, IEmbeddingGenerator<string, Embedding<float>> generator, IOptions<MemoryOptions> options,
    ILogger<ReembedMemories> logger)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    [Function(nameof(ReembedMemories))]
    public async Task Run([TimerTrigger(TimerSchedules.MemoryReembedding)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var model = EmbeddingModels.Configured(generator).Name;
        var started = DateTime.UtcNow;
        var total = 0;
        int done;
        do
        {
            done = await EmbeddingModels.ReembedBatchAsync(dataSource, generator, model, options.Value.Embeddings.ReembedBatch, ct);
            total += done;
        } while (done > 0 && DateTime.UtcNow - started < Budget);
        if (total > 0) logger.LogInformation("Re-embedded {Count} memories with {Model}", total, model);
        return total;
    }
}
