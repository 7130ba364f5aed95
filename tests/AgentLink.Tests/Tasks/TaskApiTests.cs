using System.Net;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Tasks;

public sealed class TaskApiTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    private static async Task<JsonElement> CreateAsync(ApiClient who, Guid workspaceId, object body) =>
        await who.PostOkAsync($"/api/v1/workspaces/{workspaceId}/tasks", body);

    [Fact]
    public async Task Tasks_get_workspace_keys_and_are_listed_with_filters_and_pages()
    {
        var team = await Scenario.TeamAsync(Stack, "Engineering");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var first = await CreateAsync(team.Owner, team.WorkspaceId, new { title = "Write the spec", priority = "high", labels = new[] { "Docs", "q4" }, assigneeId = bob.UserId, dueAt = "2026-12-01T09:00:00Z" });
        Assert.Equal("ENG-1", first.GetProperty("key").GetString());
        Assert.Equal("todo", first.GetProperty("status").GetString());
        Assert.Equal(["docs", "q4"], first.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Bob", first.GetProperty("assignee").GetProperty("name").GetString());
        var second = await CreateAsync(bob, team.WorkspaceId, new { title = "Fix the login bug", status = "in_progress", priority = "urgent", dueAt = "2026-11-20T09:00:00Z" });
        Assert.Equal("ENG-2", second.GetProperty("key").GetString());
        var third = await CreateAsync(team.Owner, team.WorkspaceId, new { title = "Weekly report", recurrence = "rate(1 week)", timeZone = "Europe/Paris", dueAt = "2026-12-04T16:00:00Z" });
        for (var i = 0; i < 5; i++) await CreateAsync(team.Owner, team.WorkspaceId, new { title = $"Chore {i}", status = "backlog" });

        async Task<string[]> Keys(string query) =>
            (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?{query}")).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("key").GetString()!).ToArray();
        Assert.Equal(["ENG-2", "ENG-1"], await Keys("priority=urgent,high"));
        Assert.Equal(["ENG-1"], await Keys("assignee=" + bob.UserId));
        Assert.Equal(["ENG-1"], await Keys("label=DOCS"));
        Assert.Equal(["ENG-2"], await Keys("status=in_progress"));
        Assert.Equal(["ENG-2"], await Keys("dueBefore=2026-11-30T00:00:00Z"));
        Assert.Equal(["ENG-3", "ENG-1"], await Keys("dueAfter=2026-11-30T00:00:00Z"));
        Assert.Equal(["ENG-3"], await Keys("recurring=true"));
        Assert.Equal(["ENG-2"], await Keys("q=login"));
        Assert.Equal(["ENG-2"], await Keys("q=eng-2"));
        Assert.Equal(8, (await Keys("assignee=none")).Length + 1);

        var page = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?limit=3");
        Assert.Equal(["ENG-8", "ENG-7", "ENG-6"], page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        var next = page.GetProperty("nextAfter").GetInt64();
        Assert.Equal(["ENG-5", "ENG-4", "ENG-3"], await Keys($"limit=3&after={next}"));

        foreach (var (query, field) in new[] { ("status=finished", "status"), ("assignee=someone", "assignee"), ("dueBefore=tomorrow", "dueBefore"), ("limit=0", "limit"), ("recurring=maybe", "recurring") })
        {
            var (status, problem) = await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/tasks?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        }
        Assert.NotEqual(Id(third), Id(first));
    }

    [Fact]
    public async Task Edits_comments_and_history_are_kept_and_every_change_is_on_the_workspace_stream()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var viewer = await Scenario.JoinAsync(Stack, team, "Vic", role: "viewer");
        await using var stream = await Stack.ChannelEventsAsync(viewer, team.WorkspaceId);
        await stream.NextAsync("ready");
        var task = await CreateAsync(team.Owner, team.WorkspaceId, new { title = "Ship it", assigneeId = bob.UserId, channelId = team.GeneralId });
        Assert.Equal(Id(task), (await stream.NextAsync("task.created")).Payload.GetProperty("id").GetGuid());

        var edited = await bob.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { status = "pending_review", result = "Built and tested; needs a look", clear = new[] { "assigneeId" } });
        Assert.Equal("pending_review", edited.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("assignee").ValueKind);
        Assert.Equal("pending_review", (await stream.NextAsync("task.updated")).Payload.GetProperty("status").GetString());
        var comment = await team.Owner.PostOkAsync($"/api/v1/tasks/{Id(task)}/comments", new { text = "Looks good" });
        Assert.Equal("Looks good", (await stream.NextAsync("task.commented")).Payload.GetProperty("comment").GetProperty("text").GetString());
        var done = await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { status = "done" });
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("completedAt").ValueKind);

        var details = await viewer.GetOkAsync($"/api/v1/tasks/{Id(task)}");
        Assert.Equal(["created", "updated", "commented", "updated"], details.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("kind").GetString()));
        Assert.Equal(Id(comment), details.GetProperty("comments")[0].GetProperty("id").GetGuid());
        Assert.Equal("Built and tested; needs a look", details.GetProperty("task").GetProperty("result").GetString());

        var (status, problem) = await viewer.TryAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { status = "todo" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", problem.GetProperty("code").GetString());
        (status, _) = await viewer.TryAsync(HttpMethod.Post, $"/api/v1/tasks/{Id(task)}/comments", new { text = "me too" });
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var archived = await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { archived = true });
        Assert.NotEqual(JsonValueKind.Null, archived.GetProperty("archivedAt").ValueKind);
        Assert.Equal(0, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks")).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?archived=true")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_nothing_is_written()
    {
        var team = await Scenario.TeamAsync(Stack);
        var elsewhere = await Scenario.TeamAsync(Stack, "Other");
        var before = await TestEnvironment.ScalarAsync<long>("select count(*) from tasks where workspace_id = @id", new { id = team.WorkspaceId });
        var cases = new (object Body, string Field)[]
        {
            (new { title = "" }, "title"),
            (new { title = "x", status = "finished" }, "status"),
            (new { title = "x", priority = "p0" }, "priority"),
            (new { title = "x", recurrence = "rate(0 days)", dueAt = "2026-12-01T00:00:00Z" }, "recurrence"),
            (new { title = "x", recurrence = "rate(1 day)", timeZone = "Mars/Olympus", dueAt = "2026-12-01T00:00:00Z" }, "recurrence"),
            (new { title = "x", recurrence = "rate(1 day)" }, "dueAt"),
            (new { title = "x", recurrenceCap = 5 }, "recurrenceCap"),
            (new { title = "x", assigneeId = elsewhere.Owner.UserId }, "assigneeId"),
            (new { title = "x", channelId = elsewhere.GeneralId }, "channelId"),
            (new { title = "x", labels = Enumerable.Range(0, 21).Select(i => $"l{i}").ToArray() }, "labels"),
        };
        foreach (var (body, field) in cases)
        {
            var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        Assert.Equal(before, await TestEnvironment.ScalarAsync<long>("select count(*) from tasks where workspace_id = @id", new { id = team.WorkspaceId }));

        var task = await CreateAsync(team.Owner, team.WorkspaceId, new { title = "ok" });
        var (s, p) = await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { clear = new[] { "title" } });
        Assert.Equal(HttpStatusCode.BadRequest, s);
        Assert.True(p.GetProperty("errors").TryGetProperty("clear", out _));
        (s, p) = await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(task)}", new { parentId = Id(task) });
        Assert.Equal(HttpStatusCode.BadRequest, s);
        Assert.True(p.GetProperty("errors").TryGetProperty("parentId", out _));
    }

    [Fact]
    public async Task A_bulk_change_moves_and_reassigns_all_the_tasks_or_none()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var elsewhere = await Scenario.TeamAsync(Stack, "Other");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(Id(await CreateAsync(team.Owner, team.WorkspaceId, new { title = $"bulk {i}" })));
        var foreign = Id(await CreateAsync(elsewhere.Owner, elsewhere.WorkspaceId, new { title = "not yours" }));
        await using var stream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        var moved = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks/bulk", new { taskIds = ids, status = "in_progress", assigneeId = bob.UserId });
        Assert.All(moved.GetProperty("items").EnumerateArray(), t =>
        {
            Assert.Equal("in_progress", t.GetProperty("status").GetString());
            Assert.Equal(bob.UserId, t.GetProperty("assignee").GetProperty("id").GetGuid());
        });
        for (var i = 0; i < 3; i++) await stream.NextAsync("task.updated");

        // One task of another workspace among them: nothing changes.
        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks/bulk",
            new { taskIds = ids.Append(foreign).ToArray(), status = "done", unassign = true });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("task_not_found", problem.GetProperty("code").GetString());
        Assert.Contains(foreign.ToString(), problem.GetProperty("detail").GetString());
        var after = (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(after, t => Assert.Equal("in_progress", t.GetProperty("status").GetString()));
        Assert.Equal("todo", (await elsewhere.Owner.GetOkAsync($"/api/v1/tasks/{foreign}")).GetProperty("task").GetProperty("status").GetString());

        (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks/bulk", new { taskIds = ids, assigneeId = bob.UserId, unassign = true });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks/bulk", new { taskIds = Array.Empty<Guid>(), status = "done" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Finishing_a_recurring_task_spawns_exactly_one_next_instance_even_when_two_people_finish_it_at_once()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var due = DateTime.UtcNow.AddDays(-3).Date.AddHours(9);
        var first = await CreateAsync(team.Owner, team.WorkspaceId, new { title = "Stand-up notes", recurrence = "rate(1 day)", timeZone = "UTC", dueAt = due, recurrenceCap = 3 });
        var series = first.GetProperty("recurrence").GetProperty("seriesId").GetGuid();

        // Two finish it at once: one transition, one spawn.
        var a = team.Owner.SendAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(first)}", new { status = "done" });
        var b = bob.SendAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(first)}", new { status = "done" });
        Assert.All(await Task.WhenAll(a, b), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var instances = await Series(series);
        Assert.Equal(2, instances.Length);
        var second = instances[1];
        Assert.Equal(2, second.GetProperty("recurrence").GetProperty("occurrence").GetInt32());
        Assert.Equal("todo", second.GetProperty("status").GetString());
        var nextDue = second.GetProperty("dueAt").GetDateTime().ToUniversalTime();
        Assert.True(nextDue > DateTime.UtcNow && nextDue <= DateTime.UtcNow.AddDays(1), $"next due {nextDue:o}");
        Assert.Equal(9, nextDue.Hour);

        // Paused: finishing spawns nothing; resuming spawns the next (the third and last: the cap is 3).
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(second)}", new { paused = true, status = "cancelled" });
        Assert.Equal(2, (await Series(series)).Length);
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(second)}", new { paused = false });
        instances = await Series(series);
        Assert.Equal(3, instances.Length);
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(instances[2])}", new { status = "done" });
        Assert.Equal(3, (await Series(series)).Length);

        // Reopening and finishing again does not spawn a second copy of an occurrence.
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(first)}", new { status = "todo" });
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{Id(first)}", new { status = "done" });
        Assert.Equal(3, (await Series(series)).Length);

        async Task<JsonElement[]> Series(Guid id) =>
            (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks?recurring=true&limit=200")).GetProperty("items").EnumerateArray()
                .Where(t => t.GetProperty("recurrence").GetProperty("seriesId").GetGuid() == id)
                .OrderBy(t => t.GetProperty("recurrence").GetProperty("occurrence").GetInt32()).ToArray();
    }
}
