using System.ClientModel;
using AgentLink.Core.Options;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Audits;

/// <summary>The LLM judge's record, kept with the run: the evidence ids in its prompts (the newest that fit the budget).</summary>
public sealed record JudgeTrace(string Model, string Endpoint, Guid[] EvidenceIds, IReadOnlyList<JudgeCall> Calls, int EvidenceLeftOut = 0);

/// <summary>One criterion's call: the prompt as sent, its SHA-256, the model's raw answer, and citations dropped because the evidence has no such id.</summary>
public sealed record JudgeCall(string Criterion, string PromptSha256, string Prompt, string RawAnswer, double Seconds, IReadOnlyList<string> Dropped);

/// <summary>Why a judge could not judge a run; the run fails with this reason.</summary>
public sealed class JudgeFailedException(string reason, JudgeTrace? trace = null, Exception? inner = null) : Exception(reason, inner)
{
    public JudgeTrace? Trace { get; } = trace;
}

/// <summary>The result of trying the LLM judge with one small call: whether it worked, or what went wrong.</summary>
public sealed record JudgeCheck(bool Ok, string Model, string Detail, double Seconds);

/// <summary>The workspace's LLM judge: endpoint, model, key (opened from its sealed form).</summary>
public sealed record LlmJudgeSettings(Uri Endpoint, string Model, string ApiKey);

/// <summary>
/// Judges a run with a model: one structured-output call per enabled criterion of the run's snapshot (through
/// <see cref="CriterionEvaluator"/>). Scores must be 0..100; findings keep only citations of the run's own
/// evidence (one citing nothing real is dropped, and the trace says so); recommendations of unknown kinds are
/// dropped the same way. Nothing here writes: the caller records the judgement and the trace.
/// </summary>
public sealed class LlmJudge(IJudgeChatClients clients, IOptions<AuditOptions> options)
{
    public async Task<(Judgement Judgement, JudgeTrace Trace)> JudgeAsync(AuditRunView run, string agentName, LlmJudgeSettings settings, CancellationToken ct)
    {
        using var client = clients.Create(settings.Endpoint, settings.Model, settings.ApiKey, TimeSpan.FromSeconds(options.Value.LlmCallTimeoutSeconds));
        var evidence = new EvidenceContext(run.Evidence, options.Value.EvidenceCharsInPrompt, options.Value.EvidenceBudgetChars);
        var ids = run.Evidence.Select(e => e.Id).ToHashSet();
        var calls = new List<JudgeCall>();
        var scores = new List<CriterionScore>();
        var findings = new List<Finding>();
        var recommendations = new List<RecommendationInput>();
        JudgeTrace Trace() => new(settings.Model, settings.Endpoint.GetLeftPart(UriPartial.Authority), evidence.Items.Select(e => e.Id).ToArray(), calls, evidence.LeftOut);

        foreach (var criterion in run.Criteria.Where(c => c.Enabled))
        {
            var evaluator = new CriterionEvaluator(criterion, agentName);
            EvaluationResult result;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                result = await evaluator.EvaluateAsync([], new ChatResponse(), new ChatConfiguration(client), [evidence], ct);
            }
            catch (Exception ex) when (ex is ClientResultException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                throw new JudgeFailedException($"The model at {settings.Endpoint.Host} failed on {criterion.Name}: {Describe(ex, "no answer in time")}", Trace(), ex);
            }
            var metric = result.Get<NumericMetric>(criterion.Name);
            IDictionary<string, string> meta = metric.Metadata ?? new Dictionary<string, string>();
            string? Meta(string key) => meta.TryGetValue(key, out var v) ? v : null;
            var dropped = new List<string>();
            var call = () => new JudgeCall(criterion.Name, meta[CriterionEvaluator.PromptHashKey], meta[CriterionEvaluator.PromptKey],
                Meta(CriterionEvaluator.RawKey) ?? "", Math.Round(watch.Elapsed.TotalSeconds, 3), dropped);
            if (evaluator.Verdict is not { } verdict)
            {
                calls.Add(call());
                throw new JudgeFailedException($"The model's answer for {criterion.Name} is not the JSON verdict asked for.", Trace());
            }
            if (verdict.Score is < 0 or > 100)
            {
                calls.Add(call());
                throw new JudgeFailedException($"The model scored {criterion.Name} {verdict.Score}, outside 0..100.", Trace());
            }
            scores.Add(new CriterionScore(criterion.Name, verdict.Score, Cut(verdict.Reasoning, 4000)));
            foreach (var f in verdict.Findings ?? [])
            {
                var cited = (f.Evidence ?? []).Select(x => Guid.TryParse(x, out var g) ? g : Guid.Empty).ToList();
                var real = cited.Where(ids.Contains).Distinct().ToArray();
                if (cited.Count > real.Length) dropped.Add($"finding \"{f.Title}\": cited {cited.Count - real.Length} id(s) not in the evidence");
                if (string.IsNullOrWhiteSpace(f.Title) || !AuditFindings.Severities.Contains(f.Severity) || (cited.Count > 0 && real.Length == 0))
                {
                    dropped.Add($"finding \"{f.Title}\": dropped (no valid severity and title, or it cites only ids that are not in the evidence)");
                    continue;
                }
                if (findings.Count < AuditFindings.MaxItems)
                    findings.Add(new Finding(f.Severity!, Cut(f.Title, 200)!, Cut(f.Description, 4000), criterion.Name, real));
            }
            foreach (var r in verdict.Recommendations ?? [])
            {
                if (!AuditFindings.Kinds.Contains(r.Kind) || string.IsNullOrWhiteSpace(r.Text)) { dropped.Add($"recommendation \"{r.Text}\": dropped (kind must be action, observation or file_change)"); continue; }
                if (recommendations.Count < AuditFindings.MaxItems)
                    recommendations.Add(new RecommendationInput(r.Kind, Cut(r.Text, 2000), AuditFindings.Efforts.Contains(r.Effort) ? r.Effort : null,
                        r.ExpectedLift is { } lift && lift is >= 0 and <= 100 ? lift : null));
            }
            calls.Add(call());
        }
        return (new Judgement(scores, $"Judged by {settings.Model} ({calls.Count} criteria, one call each).", findings, recommendations), Trace());
    }

    private static string? Cut(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Describe(Exception ex, string timedOut) => ex switch
    {
        ClientResultException c => $"HTTP {c.Status}: {Cut(c.Message, 300)}",
        TaskCanceledException => timedOut,
        _ => Cut(ex.Message, 300)!,
    };

    private sealed record Ready([property: System.Text.Json.Serialization.JsonRequired, System.Text.Json.Serialization.JsonPropertyName("ready")] bool IsReady);

    /// <summary>
    /// Tries the settings with one small structured call (30 s at most), so an admin knows the judge works before an
    /// audit depends on it: ok, or what went wrong (the endpoint's status and message, no answer in time, an answer
    /// that is not the JSON asked for).
    /// </summary>
    public async Task<JudgeCheck> CheckAsync(LlmJudgeSettings settings, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        double Seconds() => Math.Round(watch.Elapsed.TotalSeconds, 2);
        try
        {
            using var client = clients.Create(settings.Endpoint, settings.Model, settings.ApiKey, TimeSpan.FromSeconds(30));
            var answer = await client.GetResponseAsync<Ready>("Reply with the JSON {\"ready\": true}.", new ChatOptions { Temperature = 0 },
                useJsonSchemaResponseFormat: true, ct);
            return answer.TryGetResult(out var ready) && ready is not null
                ? new JudgeCheck(true, settings.Model, "The model answered with structured output.", Seconds())
                : new JudgeCheck(false, settings.Model, $"The model answered, but not with the JSON asked for: {Cut(answer.Text, 300)}", Seconds());
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new JudgeCheck(false, settings.Model, Describe(ex, "No answer within 30 seconds."), Seconds());
        }
    }
}
