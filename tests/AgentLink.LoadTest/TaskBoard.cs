using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentLink.LoadTest;

/// <summary>
/// The task board's reads under a realistic workspace: seeds N tasks (statuses, priorities, labels,
/// assignees, due times, some recurring) through the API, then times each list filter the page uses,
/// one request at a time (so the figure is the server's time plus loopback, not queueing).
/// </summary>
public static class TaskBoard
{
    private static readonly string[] Statuses = ["backlog", "todo", "in_progress", "pending_review", "done", "cancelled"];
    private static readonly string[] Priorities = ["urgent", "high", "medium", "low", "none"];
    private static readonly string[] Words = ["report", "deploy", "review", "pricing", "onboarding", "invoice", "retro", "migration", "docs", "budget"];

    public static async Task RunAsync(Uri url, int count, int requests)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var email = $"board-{Guid.NewGuid():N}@example.test";
        var session = await Json(await http.PostAsJsonAsync("/api/v1/auth/signup", new { email, password = "a good long password", name = "Board Owner" }));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        var me = session.GetProperty("user").GetProperty("id").GetGuid();
        var workspaceId = (await Json(await http.PostAsJsonAsync("/api/v1/workspaces", new { name = "Task Board" }))).GetProperty("id").GetGuid();

        var seed = Stopwatch.StartNew();
        var random = new Random(42);
        var now = DateTime.UtcNow;
        var bodies = Enumerable.Range(0, count).Select(i => new
        {
            title = $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} #{i}",
            description = $"Task {i}: {Words[random.Next(Words.Length)]} and {Words[random.Next(Words.Length)]}.",
            status = Statuses[random.Next(Statuses.Length)],
            priority = Priorities[random.Next(Priorities.Length)],
            assigneeId = random.Next(2) == 0 ? me : (Guid?)null,
            labels = new[] { $"l{random.Next(10)}", $"l{random.Next(10)}" },
            dueAt = random.Next(4) == 0 ? (DateTime?)null : now.AddHours(random.Next(-24 * 30, 24 * 30)),
            recurrence = random.Next(10) == 0 ? "rate(1 week)" : null,
        }).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var b = bodies[i];
                using var response = await http.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/tasks",
                    b.recurrence is null ? b : (object)new { b.title, b.description, b.status, b.priority, b.assigneeId, b.labels, dueAt = b.dueAt ?? now, b.recurrence });
                response.EnsureSuccessStatusCode();
            }
        }));
        Console.WriteLine($"seeded {count} tasks in {seed.Elapsed.TotalSeconds:F1} s (workspace {workspaceId})");

        var first = await Json(await http.GetAsync($"/api/v1/workspaces/{workspaceId}/tasks?limit=200"));
        var after = first.GetProperty("nextAfter").GetInt64();
        var week = now.AddDays(7).ToString("O");
        var queries = new (string Name, string Query)[]
        {
            ("board (newest 200)", "limit=200"),
            ("open work", "status=todo,in_progress&limit=200"),
            ("my tasks", "assignee=me&limit=200"),
            ("label", "label=l3&limit=200"),
            ("text search", "q=pricing&limit=200"),
            ("due this week, to do", $"status=todo&dueBefore={Uri.EscapeDataString(week)}&limit=200"),
            ("urgent or high, one-off", "priority=urgent,high&recurring=false&limit=200"),
            ("second page", $"limit=200&after={after}"),
        };
        Console.WriteLine($"{requests} requests per filter, one at a time, after 20 unmeasured each:");
        foreach (var (name, query) in queries)
        {
            var path = $"/api/v1/workspaces/{workspaceId}/tasks?{query}";
            var items = 0;
            for (var i = 0; i < 20; i++) items = (await Json(await http.GetAsync(path))).GetProperty("items").GetArrayLength();
            var times = new List<double>(requests);
            for (var i = 0; i < requests; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
                response.EnsureSuccessStatusCode();
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            times.Sort();
            double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
            Console.WriteLine($"  {name,-30} {items,4} items  p50 {P(0.50),6:F1} ms  p95 {P(0.95),6:F1} ms  p99 {P(0.99),6:F1} ms");
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
