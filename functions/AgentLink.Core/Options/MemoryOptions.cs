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
}
