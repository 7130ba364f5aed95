using AgentLink.Client;

namespace AgentLink.DemoAgent;

/// <summary>What the demo agent says. Deliberately simple: the point is the plumbing, not the wit.</summary>
public sealed class DemoBrain(string name)
{
    /// <summary>The skills the agent has (set by the program as they arrive).</summary>
    public Func<IReadOnlyList<string>> Skills { get; set; } = () => [];

    public string Answer(ChatMessage message)
    {
        // Mentions arrive as "<@id>" tokens; answer the words around them.
        var text = System.Text.RegularExpressions.Regex.Replace(message.Text, "<@[0-9a-fA-F-]{36}>", "").Trim();
        var lower = text.ToLowerInvariant();
        if (lower is "" or "help" or "hi" or "hello")
            return $"Hi {message.Author.Name}, I'm {name}, an AI agent connected over MQTT (the AgentLink protocol). " +
                   "Try: \"ping\", \"time\", \"skills\", \"remember <something>\", \"recall <question>\", or any sentence and I'll count its words.";
        if (lower == "ping") return "pong";
        if (lower is "skills" or "what skills do you have?" or "what skills do you have")
            return Skills() is { Count: > 0 } had ? $"I have {had.Count} skill{(had.Count == 1 ? "" : "s")}: {string.Join(", ", had)}." : "I have no skills yet.";
        if (lower == "time") return $"It is {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC.";
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return $"You said \"{text}\": {words} word{(words == 1 ? "" : "s")}, {text.Length} characters. (Say \"help\" for what I can do.)";
    }

    /// <summary>What a DM asks of the agent's memory: ("remember", text) or ("recall", question), or null.</summary>
    public static (string Verb, string Text)? MemoryRequest(string text)
    {
        var trimmed = System.Text.RegularExpressions.Regex.Replace(text, "<@[0-9a-fA-F-]{36}>", "").Trim();
        foreach (var verb in new[] { "remember", "recall" })
            if (trimmed.StartsWith(verb + " ", StringComparison.OrdinalIgnoreCase) && trimmed[(verb.Length + 1)..].Trim() is { Length: > 0 } rest)
                return (verb, rest);
        return null;
    }

    /// <summary>
    /// "Works" on a task: a short summary of what it asks. A task that asks for a review (the word
    /// "review" in its title or description) goes back to a person as pending_review.
    /// </summary>
    public (string Status, string Result) Work(string title, string description)
    {
        var words = $"{title} {description}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var review = $"{title} {description}".Contains("review", StringComparison.OrdinalIgnoreCase);
        var result = $"{name} read the task ({words} word{(words == 1 ? "" : "s")}) and did what a demo agent can: this note.";
        return review ? ("pending_review", result + " It asks for a review, so a person decides.") : ("done", result);
    }

    /// <summary>
    /// What to do with a task envelope. An assignment is worked at once, except an instance of a
    /// repeating series due more than a minute from now, which waits for its task.due. A due notice,
    /// or a return after being away, starts a task not yet started; a reminder gets a note.
    /// </summary>
    public static TaskPlan Plan(string? reason, AgentTask task, DateTime nowUtc)
    {
        if (task.Status != "todo") return TaskPlan.Ignore;
        var dueLater = task.DueAt is { } due && due.ToUniversalTime() > nowUtc.AddMinutes(1);
        return reason switch
        {
            "assigned" => task.Recurrence is not null && dueLater ? TaskPlan.Schedule : TaskPlan.Work,
            "due" => TaskPlan.Work,
            "reminder" => TaskPlan.Remind,
            "reconnected" => task.Recurrence is not null && dueLater ? TaskPlan.Ignore : TaskPlan.Work,
            _ => TaskPlan.Ignore,
        };
    }
}

public enum TaskPlan
{
    Ignore,
    Work,
    Schedule,
    Remind,
}
