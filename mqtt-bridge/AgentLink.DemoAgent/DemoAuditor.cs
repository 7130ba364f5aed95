using System.Text.RegularExpressions;
using AgentLink.Client;

namespace AgentLink.DemoAgent;

/// <summary>
/// How the demo agent judges another agent's work when a workspace marks it as an auditor. It is rule-based
/// (no model): it counts what the evidence shows (tasks delivered with results, apologies and errors, message
/// length, secrets pasted in the open) and says so in each reasoning. A real auditor agent puts a model here;
/// the protocol around it (audit.request in, audit.result out) is the same.
/// </summary>
public static partial class DemoAuditor
{
    [GeneratedRegex(@"\b(error|failed|sorry|cannot|can't|unable)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Trouble();

    [GeneratedRegex(@"\b(password|secret|api[ _-]?key|token)\s*[:=]", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();

    public static AuditResult Judge(AuditRequest request)
    {
        var evidence = request.Evidence;
        var tasks = evidence.Where(e => e.Kind == "task").ToList();
        var said = evidence.Where(e => e.Kind != "task").ToList();
        var troubled = evidence.Where(e => Trouble().IsMatch(e.Text)).ToList();
        var leaks = evidence.Where(e => Secret().IsMatch(e.Text)).ToList();
        var meanLength = said.Count == 0 ? 0 : said.Average(e => e.Text.Length);
        var scores = request.Criteria.Select(c => c.Name.ToLowerInvariant() switch
        {
            "accuracy" => Score(c, 92 - 10 * troubled.Count, $"{troubled.Count} of {evidence.Length} items mention an error, a failure or an apology; 10 points off each."),
            "responsiveness" => Score(c, tasks.Count > 0 ? 90 : said.Count > 0 ? 78 : 50,
                $"{tasks.Count} task{(tasks.Count == 1 ? "" : "s")} handed back with a result and {said.Count} message{(said.Count == 1 ? "" : "s")} in the window."),
            "communication" => Score(c, said.Count == 0 ? 60 : meanLength < 15 ? 72 : meanLength > 1500 ? 75 : 88,
                said.Count == 0 ? "Nothing said in the window." : $"Messages average {meanLength:0} characters (15 to 1500 reads well)."),
            "security" => Score(c, leaks.Count == 0 ? 95 : 40, leaks.Count == 0 ? "No credentials pasted in the open." : $"{leaks.Count} item(s) look like a pasted credential."),
            "consistency" => Score(c, tasks.Count > 1 ? 88 : 82, $"{tasks.Count} task results to compare; they follow the same shape."),
            _ => Score(c, 80, "No rule of this demo auditor measures this criterion; a neutral 80."),
        }).ToArray();

        var findings = new List<AuditFinding>();
        if (tasks.Count > 0)
            findings.Add(new AuditFinding("info", "Tasks handed back with a result", $"{tasks.Count} task(s) finished with a written result.", Pick(request, "responsiveness"),
                tasks.Take(3).Select(e => e.Id).ToArray()));
        if (troubled.Count > 0)
            findings.Add(new AuditFinding("medium", "Errors or apologies in the agent's words", "These items report something that went wrong.", Pick(request, "accuracy"),
                troubled.Take(3).Select(e => e.Id).ToArray()));
        if (leaks.Count > 0)
            findings.Add(new AuditFinding("critical", "A credential in the open", "Rotate it and keep secrets out of chat.", Pick(request, "security"), leaks.Take(3).Select(e => e.Id).ToArray()));

        var recommendations = new List<AuditRecommendation>
        {
            new("action", $"Post a one-line summary in the task's channel each time {request.Agent.Name} finishes a task, linking the task.", "low", 3),
        };
        if (evidence.Length == 0) recommendations.Add(new AuditRecommendation("observation", "Nothing to judge in this window: widen it, or give the agent work first.", "low", 0));
        var notes = $"Rule-based demo auditor: {evidence.Length} item(s) of evidence ({tasks.Count} task result(s), {said.Count} message(s)) from " +
                    $"{request.Window.From:yyyy-MM-dd HH:mm} to {request.Window.To:yyyy-MM-dd HH:mm} UTC.";
        return new AuditResult(request.RunId, scores, notes, findings.ToArray(), recommendations.ToArray());
    }

    private static AuditScore Score(AuditRequestCriterion criterion, int score, string reasoning) => new(criterion.Name, Math.Clamp(score, 0, 100), reasoning);

    /// <summary>The request's criterion of that name (case as the rubric spells it), or none.</summary>
    private static string? Pick(AuditRequest request, string name) =>
        request.Criteria.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name;
}
