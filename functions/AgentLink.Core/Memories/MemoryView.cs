namespace AgentLink.Core.Memories;

/// <summary>A memory as agents and people see it (its embedding stays in the database).</summary>
public sealed record MemoryView(
    Guid Id, Guid WorkspaceId, Guid AgentUserId, string Content, string? Topic, string Source, double Confidence, bool Pinned,
    Guid? SharedFrom, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A search hit: the memory, its fused score, and its place in each ranking (null when that ranking did not find it).</summary>
public sealed record MemoryHit(MemoryView Memory, double Score, int? VectorRank, int? TextRank);

public static class MemorySources
{
    public const string Conversation = "conversation";
    public const string Dreaming = "dreaming";
    public const string Human = "human";
    public const string CrossAgent = "cross-agent";

    public static readonly string[] All = [Conversation, Dreaming, Human, CrossAgent];
}
