namespace AgentLink.Core.Options;

/// <summary>Agents' memories (section AgentLink:Memories): de-duplication and search tuning.</summary>
public sealed class MemoryOptions
{
    public const string Section = "AgentLink:Memories";

    /// <summary>A write whose cosine similarity to one of the agent's memories is at least this updates that memory instead of adding one.</summary>
    public double DuplicateThreshold { get; set; } = 0.92;

    /// <summary>Candidates each ranking (vector, full text) contributes before reciprocal-rank fusion.</summary>
    public int SearchCandidates { get; set; } = 20;

    /// <summary>pgvector's hnsw.ef_search for searches: higher finds more of the true neighbours, slower.</summary>
    public int EfSearch { get; set; } = 150;

    /// <summary>
    /// When a search's filters (the agent, a topic) leave at most this many memories, their vectors are all
    /// compared exactly (fast for that few, and perfect recall); above it the HNSW index is walked with
    /// iterative scanning. Measured with infra/load.sh --memories (README, "Memory search").
    /// </summary>
    public int ExactScanBelow { get; set; } = 5000;

    /// <summary>Longest memory, in characters.</summary>
    public int MaxContentLength { get; set; } = 4000;

    /// <summary>The embedding model (AgentLink:Memories:Embeddings).</summary>
    public EmbeddingOptions Embeddings { get; set; } = new();
}

/// <summary>
/// Which model embeds memories: "minilm" (the default: all-MiniLM-L6-v2, offline, 384 dimensions) or "openai", any
/// OpenAI-compatible embeddings endpoint (Azure OpenAI text-embedding-3-small, OpenAI, a local Ollama) with its
/// model, key and dimensions. Changing it re-embeds every memory in the background (ReembedMemories).
/// </summary>
public sealed class EmbeddingOptions
{
    public string Provider { get; set; } = "minilm";

    /// <summary>The API's base URL, such as https://api.openai.com/v1 or https://NAME.openai.azure.com/openai/v1/.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model (or Azure deployment) name, such as text-embedding-3-small.</summary>
    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The vectors' length (the column is sized for it; at most 2000 for the HNSW index). Required for "openai".</summary>
    public int? Dimensions { get; set; }

    /// <summary>Memories re-embedded per batch after a model change.</summary>
    public int ReembedBatch { get; set; } = 64;
}
