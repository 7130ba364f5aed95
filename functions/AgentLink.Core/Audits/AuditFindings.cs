namespace AgentLink.Core.Audits;

/// <summary>Something a judge found, tied to a criterion and to the evidence (ids of the run's messages, replies or tasks) that shows it.</summary>
public sealed record Finding(string Severity, string Title, string? Description, string? Criterion, Guid[]? Evidence);

/// <summary>What a judge recommends: an action (becomes a task when applied), an observation, or a file change; with its effort and expected lift in points.</summary>
public sealed record Recommendation(Guid Id, string Kind, string Text, string? Effort, double? ExpectedLift, string Status, Guid? TaskId);

/// <summary>A recommendation as a judge writes it (the run gives it its id and status).</summary>
public sealed record RecommendationInput(string? Kind, string? Text, string? Effort, double? ExpectedLift);

public static class AuditFindings
{
    public static readonly string[] Severities = ["critical", "high", "medium", "low", "info"];
    public static readonly string[] Kinds = ["action", "observation", "file_change"];
    public static readonly string[] Efforts = ["low", "medium", "high"];
    public const int MaxItems = 50;

    /// <summary>Field → problem; findings may only cite the run's criteria and its own evidence.</summary>
    public static Dictionary<string, string> Check(AuditRunView run, IReadOnlyList<Finding>? findings, IReadOnlyList<RecommendationInput>? recommendations)
    {
        var problems = new Dictionary<string, string>();
        var evidence = run.Evidence.Select(e => e.Id).ToHashSet();
        var criteria = run.Criteria.Select(c => c.Name).ToHashSet();
        if (findings is { Count: > MaxItems }) problems["findings"] = $"At most {MaxItems}.";
        for (var i = 0; findings is not null && i < Math.Min(findings.Count, MaxItems); i++)
        {
            if (findings[i] is not { } f) { problems[$"findings[{i}]"] = "A finding {severity, title, description, criterion, evidence}."; continue; }
            if (!Severities.Contains(f.Severity)) problems[$"findings[{i}].severity"] = $"One of: {string.Join(", ", Severities)}.";
            if (string.IsNullOrWhiteSpace(f.Title) || f.Title.Length > 200) problems[$"findings[{i}].title"] = "Required, at most 200 characters.";
            if (f.Description is { Length: > 4000 }) problems[$"findings[{i}].description"] = "At most 4000 characters.";
            if (f.Criterion is not null && !criteria.Contains(f.Criterion)) problems[$"findings[{i}].criterion"] = "A criterion of this run.";
            if (f.Evidence is { } ids && ids.Any(id => !evidence.Contains(id))) problems[$"findings[{i}].evidence"] = "Only ids of this run's evidence.";
        }
        if (recommendations is { Count: > MaxItems }) problems["recommendations"] = $"At most {MaxItems}.";
        for (var i = 0; recommendations is not null && i < Math.Min(recommendations.Count, MaxItems); i++)
        {
            if (recommendations[i] is not { } r) { problems[$"recommendations[{i}]"] = "A recommendation {kind, text, effort, expectedLift}."; continue; }
            if (!Kinds.Contains(r.Kind)) problems[$"recommendations[{i}].kind"] = $"One of: {string.Join(", ", Kinds)}.";
            if (string.IsNullOrWhiteSpace(r.Text) || r.Text.Length > 2000) problems[$"recommendations[{i}].text"] = "Required, at most 2000 characters.";
            if (r.Effort is not null && !Efforts.Contains(r.Effort)) problems[$"recommendations[{i}].effort"] = $"One of: {string.Join(", ", Efforts)}.";
            if (r.ExpectedLift is { } lift && (double.IsNaN(lift) || lift is < 0 or > 100)) problems[$"recommendations[{i}].expectedLift"] = "Points from 0 to 100.";
        }
        return problems;
    }

    public static IReadOnlyList<Recommendation> Open(IReadOnlyList<RecommendationInput>? recommendations) =>
        (recommendations ?? []).Select(r => new Recommendation(Guid.CreateVersion7(), r.Kind!, r.Text!.Trim(), r.Effort, r.ExpectedLift, "open", null)).ToList();
}
