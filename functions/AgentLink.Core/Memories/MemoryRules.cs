namespace AgentLink.Core.Memories;

/// <summary>What a memory may hold; the same checks for HTTP and MQTT. Empty when all is well, else field → problem.</summary>
public static class MemoryRules
{
    public const int MaxTopicLength = 100;

    public static Dictionary<string, string> Check(string? content, string? topic, string? source, double? confidence, int maxContent, bool contentRequired = true)
    {
        var problems = new Dictionary<string, string>();
        if (contentRequired && string.IsNullOrWhiteSpace(content)) problems["content"] = "Required: what to remember.";
        else if (content is { Length: var n } && n > maxContent) problems["content"] = $"At most {maxContent} characters.";
        if (topic is { Length: > MaxTopicLength }) problems["topic"] = $"At most {MaxTopicLength} characters.";
        if (source is not null && !MemorySources.All.Contains(source)) problems["source"] = $"One of: {string.Join(", ", MemorySources.All)}.";
        if (confidence is { } c && (double.IsNaN(c) || c < 0 || c > 1)) problems["confidence"] = "A number from 0 to 1.";
        return problems;
    }

    /// <summary>The same for an agent's own write: it may only say conversation or dreaming (people and sharing make the others).</summary>
    public static Dictionary<string, string> CheckAgentWrite(string? content, string? topic, string source, double? confidence, int maxContent)
    {
        var problems = Check(content, topic, source, confidence, maxContent);
        if (source is MemorySources.Human or MemorySources.CrossAgent) problems.TryAdd("source", "An agent writes conversation or dreaming memories.");
        return problems;
    }

    /// <summary>A topic as stored: trimmed, lower-case, null when empty.</summary>
    public static string? Topic(string? topic) => string.IsNullOrWhiteSpace(topic) ? null : topic.Trim().ToLowerInvariant();
}
