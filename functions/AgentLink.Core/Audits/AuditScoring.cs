namespace AgentLink.Core.Audits;

/// <summary>One criterion's score in a run: 0..100, with the judge's reasoning.</summary>
public sealed record CriterionScore(string Criterion, int Score, string? Reasoning);

/// <summary>How a run's scores become its overall score and band.</summary>
public static class AuditScoring
{
    public const string Healthy = "healthy";
    public const string Warning = "warning";
    public const string Critical = "critical";
    public const string Unaudited = "unaudited";

    /// <summary>healthy at 85 and above, warning at 70 and above, critical below.</summary>
    public static string Band(double overall) => overall >= 85 ? Healthy : overall >= 70 ? Warning : Critical;

    /// <summary>The weighted mean of the enabled criteria's scores (their weights add up to 100), to two decimals.</summary>
    public static double Overall(IReadOnlyList<AuditCriterion> criteria, IReadOnlyList<CriterionScore> scores) =>
        Math.Round(criteria.Where(c => c.Enabled).Sum(c => c.Weight * scores.Single(s => s.Criterion == c.Name).Score) / 100.0, 2);

    /// <summary>Field → problem: one score from 0 to 100 for every enabled criterion of the snapshot, and nothing else.</summary>
    public static Dictionary<string, string> Check(IReadOnlyList<AuditCriterion> criteria, IReadOnlyList<CriterionScore>? scores)
    {
        var problems = new Dictionary<string, string>();
        var enabled = criteria.Where(c => c.Enabled).Select(c => c.Name).ToList();
        if (scores is null) { problems["scores"] = $"Score each of: {string.Join(", ", enabled)}."; return problems; }
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i] is not { } s) { problems[$"scores[{i}]"] = "A score {criterion, score, reasoning?}."; continue; }
            if (!enabled.Contains(s.Criterion)) problems[$"scores[{i}].criterion"] = $"Not an enabled criterion of this run: one of {string.Join(", ", enabled)}.";
            if (s.Score is < 0 or > 100) problems[$"scores[{i}].score"] = "A whole number from 0 to 100.";
            if (s.Reasoning is { Length: > 4000 }) problems[$"scores[{i}].reasoning"] = "At most 4000 characters.";
        }
        var missing = enabled.Where(n => scores.Count(s => s?.Criterion == n) != 1).ToList();
        if (missing.Count > 0) problems.TryAdd("scores", $"Score each enabled criterion exactly once; missing or repeated: {string.Join(", ", missing)}.");
        return problems;
    }
}
