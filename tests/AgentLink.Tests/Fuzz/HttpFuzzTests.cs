using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using AgentLink.Client;
using AgentLink.Functions.Runtime;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Fuzz;

/// <summary>
/// Malformed input against every HTTP function, generated from the functions' own declarations
/// (route, caller, body type, query parameters): NULs, lone surrogates, invalid UTF-8, wrong
/// types, deep nesting, huge numbers, truncated JSON, wrong content types, oversize bodies. No
/// answer may be a 5xx, nothing may be written, and normal requests still succeed afterwards.
/// </summary>
public sealed partial class HttpFuzzTests : IAsyncLifetime
{
    private AppStack _stack = null!;

    public async Task InitializeAsync() => _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
    {
        ["AgentLink:Database:ConnectionString"] = await TestEnvironment.CreateIsolatedDatabaseAsync(),
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private sealed record Case(string Function, HttpMethod Method, string Path, string Caller, HttpContent? Body);

    [Fact]
    public async Task Malformed_requests_to_every_function_get_4xx_and_write_nothing()
    {
        var team = await Scenario.TeamAsync(_stack);
        var member = await Scenario.JoinAsync(_stack, team, "Member");
        var message = (await team.Owner.PostMessageAsync(team.GeneralId, "fuzz target")).GetProperty("id").GetGuid();
        var invite = await team.Owner.InviteAsync(team.WorkspaceId);
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "fuzz task" })).GetProperty("id").GetGuid();
        var skill = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills", new { content = "---\nname: fuzz\ndescription: x\n---\nbody" })).GetProperty("id").GetGuid();
        await using var agent = await TestAgent.OnboardAsync(_stack, team, connect: false);
        var unclaimed = await new AgentLinkOnboarding(_stack.WebUrl).RegisterAsync("Unclaimed", "fuzz");
        var route = new Dictionary<string, string>
        {
            ["workspaceId"] = team.WorkspaceId.ToString(), ["channelId"] = team.GeneralId.ToString(), ["messageId"] = message.ToString(),
            ["userId"] = member.UserId.ToString(), ["token"] = invite, ["registrationId"] = unclaimed.RegistrationId.ToString(), ["agentId"] = agent.AgentId,
            // Not a session of the caller's: revoking it must not sign the fuzzer out.
            ["sessionId"] = Guid.NewGuid().ToString(),
            ["taskId"] = task.ToString(),
            ["skillId"] = skill.ToString(), ["number"] = "1", ["agentUserId"] = Guid.NewGuid().ToString(),
            ["attachmentId"] = Guid.NewGuid().ToString(), ["memoryId"] = Guid.NewGuid().ToString(), ["runId"] = Guid.NewGuid().ToString(), ["recommendationId"] = Guid.NewGuid().ToString(),
        };
        var callers = new Dictionary<Caller, (string Scheme, string Value)>
        {
            [Caller.Person] = ("Bearer", team.Owner.Token),
            [Caller.Agent] = ("Bearer", agent.Registration.ApiKey),
            [Caller.Broker] = ("X-AgentLink-Hook-Secret", _stack.Settings["AgentLink:Mqtt:HookSecret"]!),
            [Caller.Anyone] = ("", ""),
        };
        var before = await RowsAsync();

        var cases = FunctionCatalog.App.Http.SelectMany(f => Cases(f, route)).ToList();
        Assert.True(cases.Count > 200, $"only {cases.Count} cases");
        using var http = new HttpClient { BaseAddress = new Uri(_stack.FunctionsUrl) };
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var function = FunctionCatalog.App.Find(c.Function)!;
            using var request = new HttpRequestMessage(c.Method, c.Path) { Content = c.Body };
            // An oversize body is refused from its Content-Length before it is read; waiting for "100 Continue" lets the
            // client read that answer instead of failing mid-upload when the server closes the connection.
            if (c.Body?.Headers.ContentLength > 100_000) request.Headers.ExpectContinue = true;
            var (scheme, value) = callers[function.Policy.Caller!.Value];
            if (scheme == "Bearer") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
            else if (scheme.Length > 0) request.Headers.Add(scheme, value);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{c.Function} {c.Method} {c.Path[..Math.Min(c.Path.Length, 120)]} ({c.Caller}) -> no answer: {ex.Message}");
                continue;
            }
            using var _ = response;
            if ((int)response.StatusCode >= 500)
                failures.Add($"{c.Function} {c.Method} {c.Path} ({c.Caller}) -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await RowsAsync());

        // Still healthy: ordinary requests work.
        await team.Owner.PostMessageAsync(team.GeneralId, "after the storm");
        Assert.Equal(2, (await team.Owner.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages")).GetProperty("items").GetArrayLength());
    }

    private static IEnumerable<Case> Cases(HttpFunction f, Dictionary<string, string> route)
    {
        var path = "/api/" + RouteParameter().Replace(f.Route, m => route[m.Groups[1].Value]);
        foreach (var method in f.Methods.Select(m => new HttpMethod(m)))
        {
            if (f.Body is { } body)
                foreach (var (name, content) in BadBodies(body.Type))
                    yield return new Case(f.Name, method, path, name, content);
            foreach (var q in f.Query)
                foreach (var bad in new[] { "%00", "a%00b", "%ff%fe", "99999999999999999999999", "-1e9", "%F0%9F", new string('9', 5000) })
                    yield return new Case(f.Name, method, $"{path}?{q.Name}={bad}", $"query {q.Name}={bad}", null);
            // Route values that are free text: far too long, or odd.
            foreach (Match m in RouteParameter().Matches(f.Route))
                if (!m.Value.Contains(":guid"))
                    foreach (var odd in new[] { new string('x', 4000), "%E2%80%AE", "..%2F..%2Fetc" })
                        yield return new Case(f.Name, method, path.Replace(route[m.Groups[1].Value], odd), $"route {m.Groups[1].Value}", null);
        }
    }

    private static IEnumerable<(string Name, HttpContent Content)> BadBodies(Type type)
    {
        static HttpContent Json(string text) => new StringContent(text, Encoding.UTF8, "application/json");
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var p in properties)
        {
            var name = char.ToLowerInvariant(p.Name[0]) + p.Name[1..];
            yield return ($"{name}: NUL", Json($$"""{"{{name}}": "a\u0000b"}"""));
            yield return ($"{name}: lone surrogate", Json($$"""{"{{name}}": "\ud800x"}"""));
            yield return ($"{name}: nested arrays", Json($$$"""{"{{{name}}}": [[{}]]}"""));
            yield return ($"{name}: 1e999", Json($$"""{"{{name}}": 1e999}"""));
            yield return ($"{name}: huge integer", Json($$"""{"{{name}}": 123456789012345678901234567890}"""));
            yield return ($"{name}: object", Json($$$"""{"{{{name}}}": {"\u0000": true} }"""));
        }
        yield return ("NUL property name", Json("""{"x\u0000y": 1}"""));
        yield return ("deep nesting", Json(string.Concat(Enumerable.Repeat("[", 500)) + string.Concat(Enumerable.Repeat("]", 500))));
        yield return ("truncated", Json("""{"text": "unterminated"""));
        yield return ("not JSON", Json("definitely not json"));
        yield return ("array", Json("[1, 2, 3]"));
        yield return ("string", Json("\"just a string\""));
        yield return ("invalid UTF-8", new ByteArrayContent([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) { Headers = { ContentType = new("application/json") } });
        yield return ("text/plain", new StringContent("""{"text": "hi"}""", Encoding.UTF8, "text/plain"));
        yield return ("oversize", Json($$"""{"text": "{{new string('z', 200_000)}}"}"""));
    }

    private async Task<string> RowsAsync() => await _stack.ScalarAsync<string>("""
        select concat_ws(',', (select count(*) from users), (select count(*) from workspaces), (select count(*) from memberships),
            (select count(*) from channels), (select count(*) from channel_members), (select count(*) from channel_messages),
            (select count(*) from message_reactions), (select count(*) from workspace_events), (select count(*) from invitations),
            (select count(*) from agent_registrations where workspace_id is not null), (select count(*) from remote_agents),
            (select count(*) from sessions), (select coalesce(sum(last_seq), 0) from workspaces), (select count(*) from tasks),
            (select count(*) from task_comments), (select count(*) from task_activity), (select count(*) from skill_versions), (select count(*) from skill_assignments),
            (select count(*) from attachments), (select count(*) from workspace_subscriptions), (select count(*) from stripe_events),
            (select count(*) from agent_memories), (select count(*) from audit_criteria_versions), (select count(*) from audit_runs),
            (select count(*) from audit_settings), (select count(*) from audit_schedules), (select count(*) from remote_agents where auditor),
            (select count(*) from remote_agents where card_public or card_description is not null))
        """);

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
