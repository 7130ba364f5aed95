using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentLink.Client;
using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Audits;

/// <summary>The judge's queue works every second here.</summary>
public sealed class AuditJudgeFixture() : BridgeStackFixture(BrokerMode.Embedded, new Dictionary<string, string?>
{
    ["AgentLink:Timers:AuditJudging"] = "* * * * * *",
});

/// <summary>
/// The same kind of run judged three ways: by an LLM (the real OpenAI client over HTTP to a server the test starts),
/// by an auditor agent over MQTT, and by a person (AuditRunTests). Each lands as a done run with scores per criterion.
/// </summary>
public sealed class AuditJudgeTests(AuditJudgeFixture fixture) : IClassFixture<AuditJudgeFixture>
{
    private AppStack Stack => fixture.Stack;

    private static readonly string[] DefaultNames = ["Accuracy", "Consistency", "Responsiveness", "Code Quality", "Communication"];

    /// <summary>A team with an agent that said two things and finished a task: three pieces of evidence.</summary>
    private async Task<(Scenario.Team Team, TestAgent Agent, string AuditsPath)> WorkedAsync(string name)
    {
        var team = await Scenario.TeamAsync(Stack, name);
        var agent = await TestAgent.OnboardAsync(Stack, team, "worker", "Worker");
        await agent.Client.PostAsync(team.GeneralId, "Deployed the release to staging.");
        await agent.Client.PostAsync(team.GeneralId, "Sorry, the migration failed; rolled back.");
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Write the changelog", assigneeId = agent.UserId })).GetProperty("id").GetGuid();
        await agent.Client.UpdateTaskAsync(task, status: "done", result: "Changelog is in docs/CHANGES.md");
        return (team, agent, $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits");
    }

    private static async Task<JsonElement> SettledAsync(ApiClient caller, Guid runId)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await caller.GetOkAsync($"/api/v1/audits/{runId}");
            if (run.GetProperty("status").GetString() is "done" or "failed" or "skipped" || DateTime.UtcNow > until) return run;
            await Task.Delay(100);
        }
    }

    private Task<string[]> StatusesAsync(Guid runId) => Stack.ScalarAsync<string[]>(
        "select array_agg(payload->>'status' order by seq) from workspace_events where type = 'audit.run' and payload->>'id' = @id", new { id = runId.ToString() });

    [Fact]
    public async Task The_LLM_judge_scores_each_criterion_over_real_HTTP_and_keeps_the_model_prompt_hash_evidence_and_raw_answer()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        var (team, agent, path) = await WorkedAsync("LLM judged");
        await using var worker = agent;
        var viewer = await Scenario.JoinAsync(Stack, team, "Vera Viewer", "viewer");
        const string key = "sk-test-0123456789-secret";

        // Not configured yet: a clear refusal, nothing queued.
        var (refused, why) = await team.Owner.TryAsync(HttpMethod.Post, path, new { judge = "llm", window = "24h" });
        Assert.Equal((HttpStatusCode.Conflict, "judge_not_configured"), (refused, why.GetProperty("code").GetString()));

        // Settings: only owners and admins; the key is sealed at rest and never comes back.
        var settingsPath = $"/api/v1/workspaces/{team.WorkspaceId}/audits/settings";
        var settings = new { judge = "llm", llmEndpoint = model.Url, llmModel = "judge-model-1", apiKey = key };
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Put, settingsPath, settings)).Status);
        var (badStatus, bad) = await team.Owner.TryAsync(HttpMethod.Put, settingsPath, new { judge = "llm", llmEndpoint = "ftp://nope", llmModel = "m" });
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.True(bad.GetProperty("errors").TryGetProperty("llmEndpoint", out _));
        var saved = await team.Owner.OkAsync(HttpMethod.Put, settingsPath, settings);
        Assert.True(saved.GetProperty("llmKeySet").GetBoolean());
        Assert.DoesNotContain(key, saved.GetRawText());
        Assert.DoesNotContain(key, (await viewer.GetOkAsync(settingsPath)).GetRawText());
        // The settings' check: one small call with the stored key; a failing endpoint says why.
        var check = await team.Owner.PostOkAsync($"{settingsPath}/test");
        Assert.True(check.GetProperty("ok").GetBoolean(), check.GetRawText());
        Assert.Equal($"Bearer {key}", Assert.Single(model.Requests).Authorization);
        model.FailWith = 401;
        var refusedCheck = await team.Owner.PostOkAsync($"{settingsPath}/test");
        Assert.False(refusedCheck.GetProperty("ok").GetBoolean());
        Assert.Contains("HTTP 401", refusedCheck.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Post, $"{settingsPath}/test")).Status);
        model.FailWith = null;
        model.Requests.Clear();
        var stored = await Stack.ScalarAsync<byte[]>("select llm_key from audit_settings where workspace_id = @w", new { w = team.WorkspaceId });
        Assert.DoesNotContain(key, Encoding.UTF8.GetString(stored));
        Assert.DoesNotContain(key, Encoding.Latin1.GetString(stored));

        // The model cites one real evidence id and one it made up, and recommends one thing per criterion.
        var invented = Guid.NewGuid();
        model.Answer = (criterion, ids) => new
        {
            reasoning = $"Reading the evidence for {criterion}: {ids.Length} items.",
            score = criterion == "Accuracy" ? 60 : 90,
            findings = criterion == "Accuracy"
                ? new object[]
                {
                    new { severity = "high", title = "A failed migration", description = "It apologised and rolled back.", evidence = new[] { ids[1].ToString() } },
                    new { severity = "low", title = "Invented", description = "cites nothing real", evidence = new[] { invented.ToString() } },
                }
                : [],
            recommendations = criterion == "Accuracy" ? new object[] { new { kind = "action", text = "Dry-run migrations before applying them", effort = "low", expectedLift = 8 } } : [],
        };

        // The workspace's judge (llm) is used when the run names none; the run waits in the queue first.
        var queued = await team.Owner.PostOkAsync(path, new { window = "24h" });
        var runId = queued.GetProperty("id").GetGuid();
        Assert.Equal(("llm", "queued"), (queued.GetProperty("judge").GetString(), queued.GetProperty("status").GetString()));
        var run = await SettledAsync(team.Owner, runId);
        Assert.Equal("done", run.GetProperty("status").GetString());

        // One call per enabled criterion, with the stored key, asking for structured output.
        var seen = model.Requests.ToList();
        Assert.Equal(DefaultNames.Order(), seen.Select(s => s.Criterion).Order());
        Assert.All(seen, s => Assert.Equal($"Bearer {key}", s.Authorization));
        Assert.All(seen, s => Assert.Equal("judge-model-1", s.Body["model"]!.ToString()));
        Assert.All(seen, s => Assert.Equal("json_schema", s.Body["response_format"]!["type"]!.ToString()));
        var evidenceIds = run.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToArray();
        Assert.Equal(3, evidenceIds.Length);
        Assert.All(seen, s => Assert.Equal(evidenceIds, s.EvidenceIds));

        // Scores, weighted overall and band; the made-up citation dropped, the real one kept.
        var scores = run.GetProperty("scores").EnumerateArray().ToDictionary(s => s.GetProperty("criterion").GetString()!, s => s.GetProperty("score").GetInt32());
        Assert.Equal(60, scores["Accuracy"]);
        Assert.Equal(81.0, run.GetProperty("overall").GetDouble()); // 0.3*60 + 0.7*90
        Assert.Equal("warning", run.GetProperty("band").GetString());
        var finding = Assert.Single(run.GetProperty("findings").EnumerateArray());
        Assert.Equal(("A failed migration", "Accuracy", evidenceIds[1]), (finding.GetProperty("title").GetString(), finding.GetProperty("criterion").GetString(),
            finding.GetProperty("evidence")[0].GetGuid()));
        Assert.Equal("Dry-run migrations before applying them", Assert.Single(run.GetProperty("recommendations").EnumerateArray()).GetProperty("text").GetString());

        // The trace: model, evidence ids, and per criterion the prompt, its SHA-256 and the raw answer.
        var trace = run.GetProperty("trace");
        Assert.Equal("judge-model-1", trace.GetProperty("model").GetString());
        Assert.Equal(evidenceIds, trace.GetProperty("evidenceIds").EnumerateArray().Select(e => e.GetGuid()));
        var calls = trace.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal(5, calls.Count);
        foreach (var call in calls)
        {
            var prompt = call.GetProperty("prompt").GetString()!;
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt))), call.GetProperty("promptSha256").GetString());
            Assert.Contains($"Criterion: {call.GetProperty("criterion").GetString()}", prompt);
            Assert.Equal(JsonDocument.Parse(call.GetProperty("rawAnswer").GetString()!).RootElement.GetProperty("score").GetInt32(), scores[call.GetProperty("criterion").GetString()!]);
        }
        Assert.Contains(calls.Single(c => c.GetProperty("criterion").GetString() == "Accuracy").GetProperty("dropped").EnumerateArray(), d => d.GetString()!.Contains("Invented"));
        Assert.Equal(["queued", "running", "done"], await StatusesAsync(runId));

        // The endpoint failing: the run fails with its reason, live too.
        model.FailWith = 500;
        var failing = (await team.Owner.PostOkAsync(path, new { judge = "llm", window = "24h" })).GetProperty("id").GetGuid();
        var failed = await SettledAsync(team.Owner, failing);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("500", failed.GetProperty("failure").GetString());
        Assert.Equal(["queued", "running", "failed"], await StatusesAsync(failing));

        // An answer that is not the verdict asked for fails the run too, saying so.
        model.FailWith = null;
        model.Answer = (_, _) => new { opinion = "great" };
        var unreadable = await SettledAsync(team.Owner, (await team.Owner.PostOkAsync(path, new { judge = "llm", window = "24h" })).GetProperty("id").GetGuid());
        Assert.Equal("failed", unreadable.GetProperty("status").GetString());

        // Clearing the key ("") removes it; leaving it out keeps it.
        Assert.True((await team.Owner.OkAsync(HttpMethod.Put, settingsPath, new { judge = "llm", llmEndpoint = model.Url, llmModel = "judge-model-1" })).GetProperty("llmKeySet").GetBoolean());
        Assert.False((await team.Owner.OkAsync(HttpMethod.Put, settingsPath, new { judge = "person", apiKey = "" })).GetProperty("llmKeySet").GetBoolean());
    }

    [Fact]
    public async Task An_auditor_agent_judges_a_run_over_MQTT_and_its_result_is_checked_like_any_input()
    {
        var (team, agent, path) = await WorkedAsync("Agent judged");
        await using var worker = agent;
        await using var auditor = await TestAgent.OnboardAsync(Stack, team, "auditor", "Auditor");
        await using var bystander = await TestAgent.OnboardAsync(Stack, team, "bystander", "Bystander");

        var (none, why) = await team.Owner.TryAsync(HttpMethod.Post, path, new { judge = "agent", window = "24h" });
        Assert.Equal((HttpStatusCode.Conflict, "judge_not_configured"), (none, why.GetProperty("code").GetString()));
        await team.Owner.OkAsync(HttpMethod.Put, $"/api/v1/workspaces/{team.WorkspaceId}/audits/settings", new { judge = "agent", auditorAgentIds = new[] { auditor.UserId } });
        // An auditor never judges itself.
        var (self, _) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/agents/{auditor.UserId}/audits", new { judge = "agent" });
        Assert.Equal(HttpStatusCode.Conflict, self);

        var run = await team.Owner.PostOkAsync(path, new { window = "24h" });
        var runId = run.GetProperty("id").GetGuid();
        Assert.Equal(("agent", "running", auditor.UserId), (run.GetProperty("judge").GetString(), run.GetProperty("status").GetString(), run.GetProperty("auditorUserId").GetGuid()));
        var request = await TestAgent.NextAsync(auditor.Audits);
        Assert.Equal((runId, agent.UserId, "Worker"), (request.RunId, request.Agent.UserId, request.Agent.Name));
        Assert.Equal(DefaultNames, request.Criteria.Select(c => c.Name));
        Assert.Equal(["message", "message", "task"], request.Evidence.Select(e => e.Kind));

        // Missing a criterion, or citing evidence that is not the run's: refused, nothing recorded.
        var partial = new AuditResult(runId, [new AuditScore("Accuracy", 90, "fine")]);
        var refused = await Assert.ThrowsAsync<AgentLinkException>(() => auditor.Client.SendAuditResultAsync(partial));
        Assert.Contains("Consistency", (await TestAgent.NextAsync(auditor.Errors)).Reason);
        var scores = DefaultNames.Select(n => new AuditScore(n, n == "Communication" ? 70 : 95, $"{n} by the auditor")).ToArray();
        await Assert.ThrowsAsync<AgentLinkException>(() => auditor.Client.SendAuditResultAsync(
            new AuditResult(runId, scores, Findings: [new AuditFinding("high", "Made up", Evidence: [Guid.NewGuid()])])));
        Assert.Equal("validation_failed", (await TestAgent.NextAsync(auditor.Errors)).Code);
        // Another agent cannot answer for the auditor.
        await Assert.ThrowsAsync<AgentLinkException>(() => bystander.Client.SendAuditResultAsync(new AuditResult(runId, scores)));
        Assert.Equal("audit_not_found", (await TestAgent.NextAsync(bystander.Errors)).Code);
        Assert.Equal("running", (await team.Owner.GetOkAsync($"/api/v1/audits/{runId}")).GetProperty("status").GetString());

        await auditor.Client.SendAuditResultAsync(new AuditResult(runId, scores, "Judged by the test auditor.",
            [new AuditFinding("medium", "A failed migration", "Rolled back.", "Accuracy", [request.Evidence[1].Id])],
            [new AuditRecommendation("action", "Dry-run migrations first", "low", 5)]));
        var done = await team.Owner.GetOkAsync($"/api/v1/audits/{runId}");
        // 0.85 * 95 + 0.15 * 70
        Assert.Equal(("done", 91.25, "healthy"), (done.GetProperty("status").GetString(), done.GetProperty("overall").GetDouble(), done.GetProperty("band").GetString()));
        Assert.Equal("Judged by the test auditor.", done.GetProperty("notes").GetString());
        Assert.Equal(["running", "done"], await StatusesAsync(runId));

        // A second answer to a finished run is refused as closed.
        await Assert.ThrowsAsync<AgentLinkException>(() => auditor.Client.SendAuditResultAsync(new AuditResult(runId, scores)));
        Assert.Equal("audit_closed", (await TestAgent.NextAsync(auditor.Errors)).Code);
        Assert.NotNull(refused);
    }

    [Fact]
    public async Task An_auditor_agent_offline_gets_the_request_when_it_returns_and_one_that_never_answers_fails_with_the_reason()
    {
        var (team, agent, path) = await WorkedAsync("Offline auditor");
        await using var worker = agent;
        await using var auditor = await TestAgent.OnboardAsync(Stack, team, "auditor", "Auditor", connect: false);
        await team.Owner.OkAsync(HttpMethod.Put, $"/api/v1/workspaces/{team.WorkspaceId}/audits/settings", new { judge = "agent", auditorAgentIds = new[] { auditor.UserId } });
        var runId = (await team.Owner.PostOkAsync(path, new { window = "24h" })).GetProperty("id").GetGuid();
        await auditor.Client.ConnectAsync();
        Assert.Equal(runId, (await TestAgent.NextAsync(auditor.Audits)).RunId);

        // Never answered: the queue's timer fails it once it is older than the timeout.
        await Stack.ExecuteAsync("update audit_runs set started_at = now() - interval '2 hours' where id = @runId", new { runId });
        var failed = await SettledAsync(team.Owner, runId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("did not answer within 60 minutes", failed.GetProperty("failure").GetString());
    }
}

/// <summary>The LLM judge's connections on a shared service: the workspace picks the endpoint, so private addresses are refused.</summary>
public sealed class JudgeEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:4700::1111", false)]
    public void Private_loopback_and_link_local_addresses_are_told_apart(string address, bool isPrivate) =>
        Assert.Equal(isPrivate, AgentLink.Core.Audits.OpenAiJudgeChatClients.IsPrivate(System.Net.IPAddress.Parse(address)));

    [Fact]
    public async Task With_private_endpoints_off_the_judge_never_connects_to_one_and_says_why()
    {
        await using var model = await OpenAiCompatibleServer.StartAsync();
        static Microsoft.Extensions.AI.IChatClient Client(bool allow, string url) =>
            new AgentLink.Core.Audits.OpenAiJudgeChatClients(Microsoft.Extensions.Options.Options.Create(new AuditOptions { AllowPrivateEndpoints = allow }))
                .Create(new Uri(url), "m", "k", TimeSpan.FromSeconds(10));
        // Allowed (a self-hosted install with a local model): it answers.
        var answered = await Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(Client(true, model.Url), "hello");
        Assert.Contains("score", answered.Text);
        var before = model.Requests.Count;
        // Not allowed: refused before any connection, with the reason.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(Client(false, model.Url.Replace("127.0.0.1", "localhost")), "hello"));
        Assert.Contains("private, loopback or link-local", refused.ToString());
        Assert.Equal(before, model.Requests.Count);
    }
}

/// <summary>Everyone in a workspace reads its audit runs, so a run's evidence comes from public channels and tasks only.</summary>
public sealed class AuditEvidencePrivacyTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    [Fact]
    public async Task What_an_agent_says_in_DMs_and_private_channels_stays_out_of_its_audits()
    {
        var stack = fixture.Stack;
        var team = await Scenario.TeamAsync(stack, "Private evidence");
        await using var agent = await TestAgent.OnboardAsync(stack, team, "worker", "Worker");
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        await team.Owner.PostOkAsync($"/api/v1/channels/{secret}/members", new { userId = agent.UserId });
        await agent.Client.SubscribeChannelAsync(secret);
        await agent.Client.PostAsync(dm, "In the DM: the salary numbers.");
        await agent.Client.PostAsync(secret, "In the private channel: the reorg plan.");
        await agent.Client.PostAsync(team.GeneralId, "In #general: deployed.");

        var run = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits", new { judge = "person", window = "24h" });
        // The #general post, written last, is there: the other two were written and left out.
        Assert.Equal(["In #general: deployed."], run.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("text").GetString()));
        Assert.Equal(3L, await stack.ScalarAsync<long>("select count(*) from channel_messages where author_id = @a", new { a = agent.UserId }));
    }

    [Fact]
    public async Task A_run_keeps_the_newest_500_pieces_of_evidence_oldest_first()
    {
        var stack = fixture.Stack;
        var team = await Scenario.TeamAsync(stack, "Chatty");
        await using var agent = await TestAgent.OnboardAsync(stack, team, "chatty", "Chatty", connect: false);
        // 505 posts over the last hours, written straight into the table (the write path is tested elsewhere).
        await stack.ExecuteAsync("""
            insert into channel_messages (id, workspace_id, channel_id, author_id, seq, text, created_at, reply_count)
            select gen_random_uuid(), @w, @c, @a, 1000000 + g, 'post ' || g, now() - make_interval(mins => 600 - g), 0
            from generate_series(1, 505) g
            """, new { w = team.WorkspaceId, c = team.GeneralId, a = agent.UserId });
        var run = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits", new { judge = "person", window = "24h" });
        var texts = run.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("text").GetString()).ToList();
        Assert.Equal(500, texts.Count);
        Assert.Equal(("post 6", "post 505"), (texts[0], texts[^1]));
    }
}

/// <summary>The evidence part of the judge's prompt stays within its budget, keeping the newest items.</summary>
public sealed class EvidencePromptTests
{
    [Fact]
    public void The_newest_evidence_that_fits_the_budget_goes_in_oldest_first_and_the_prompt_says_how_much_was_left_out()
    {
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var evidence = Enumerable.Range(0, 100).Select(i => new AgentLink.Core.Audits.Evidence("message", Guid.NewGuid(), Guid.NewGuid(), null, $"item {i} " + new string('x', 150), start.AddMinutes(i))).ToList();
        var all = new AgentLink.Core.Audits.EvidenceContext(evidence, 1000, 1_000_000);
        Assert.Equal((100, 0), (all.Items.Count, all.LeftOut));

        var some = new AgentLink.Core.Audits.EvidenceContext(evidence, 1000, 2_000);
        var text = some.Contents.OfType<Microsoft.Extensions.AI.TextContent>().Single().Text;
        Assert.InRange(some.Items.Count, 1, 20);
        Assert.Equal(100 - some.Items.Count, some.LeftOut);
        Assert.Equal(evidence.TakeLast(some.Items.Count).Select(e => e.Id), some.Items.Select(e => e.Id));
        Assert.StartsWith($"({some.LeftOut} older items left out", text);
        Assert.True(text.Length <= 2_000 + 100, $"{text.Length} characters");
        Assert.True(text.IndexOf("item 98 ", StringComparison.Ordinal) < text.IndexOf("item 99 ", StringComparison.Ordinal));

        // One item longer than its cut is cut, and says so.
        var cut = new AgentLink.Core.Audits.EvidenceContext([evidence[0] with { Text = new string('y', 5000) }], 1000, 60_000);
        Assert.Contains("[…]", cut.Contents.OfType<Microsoft.Extensions.AI.TextContent>().Single().Text);
    }
}
