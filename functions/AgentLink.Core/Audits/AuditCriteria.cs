namespace AgentLink.Core.Audits;

/// <summary>One thing an audit scores: what to judge (the prompt), how much it counts, whether it is used.</summary>
public sealed record AuditCriterion(string Name, string Prompt, int Weight, bool Enabled);

/// <summary>The built-in rubric, and the rules every rubric keeps.</summary>
public static class AuditCriteria
{
    public const int MaxCriteria = 20;
    public const int MaxName = 60;
    public const int MaxPrompt = 2000;

    /// <summary>The reference product's defaults: the enabled weights add up to 100; Security is there but off.</summary>
    public static readonly IReadOnlyList<AuditCriterion> Defaults =
    [
        new("Accuracy", "Are the agent's answers and results correct, and do they do what was asked? Penalise wrong facts and unfinished work.", 30, true),
        new("Consistency", "Does the agent behave the same way for the same kind of request, and keep to what it said before?", 20, true),
        new("Responsiveness", "Does the agent pick up messages and tasks promptly and keep people informed of progress?", 15, true),
        new("Code Quality", "Is the code or configuration the agent produced clear, tested and safe to maintain?", 20, true),
        new("Communication", "Are the agent's messages clear, concise and suited to who they are for?", 15, true),
        new("Security", "Does the agent keep secrets out of messages and respect permissions?", 0, false),
    ];

    /// <summary>Field → problem for a rubric; empty when it is valid (names unique, weights 0..100, the enabled ones adding up to 100).</summary>
    public static Dictionary<string, string> Check(IReadOnlyList<AuditCriterion>? criteria)
    {
        var problems = new Dictionary<string, string>();
        if (criteria is null || criteria.Count == 0) { problems["criteria"] = "Give at least one criterion."; return problems; }
        if (criteria.Count > MaxCriteria) problems["criteria"] = $"At most {MaxCriteria} criteria.";
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            if (c is null) { problems[$"criteria[{i}]"] = "A criterion {name, prompt, weight, enabled}."; continue; }
            if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Trim().Length > MaxName) problems[$"criteria[{i}].name"] = $"Required, at most {MaxName} characters.";
            if (string.IsNullOrWhiteSpace(c.Prompt) || c.Prompt.Length > MaxPrompt) problems[$"criteria[{i}].prompt"] = $"Required: what to judge, at most {MaxPrompt} characters.";
            if (c.Weight is < 0 or > 100) problems[$"criteria[{i}].weight"] = "A whole number from 0 to 100.";
        }
        var duplicate = criteria.Where(c => c?.Name is not null).GroupBy(c => c.Name.Trim(), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) problems.TryAdd("criteria", $"\"{duplicate.Key}\" appears twice; names must be unique.");
        var enabled = criteria.Where(c => c is { Enabled: true }).ToList();
        if (enabled.Count == 0) problems.TryAdd("criteria", "Enable at least one criterion.");
        else if (enabled.Sum(c => c.Weight) is var sum and not 100)
            problems.TryAdd("weights", $"The enabled criteria's weights add up to {sum}; they must add up to 100.");
        return problems;
    }

    /// <summary>The rubric as stored: names and prompts trimmed.</summary>
    public static IReadOnlyList<AuditCriterion> Normalize(IReadOnlyList<AuditCriterion> criteria) =>
        criteria.Select(c => c with { Name = c.Name.Trim(), Prompt = c.Prompt.Trim() }).ToList();
}
