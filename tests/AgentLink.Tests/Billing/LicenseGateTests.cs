using System.Net;
using AgentLink.Client;
using AgentLink.Functions.Tasks;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Billing;

/// <summary>
/// A workspace past its trial with no subscription is paused: every kind of agent work is refused with
/// 402 license_paused and a link to billing, while reading and human chat go on; a subscription lifts it.
/// </summary>
public sealed class LicenseGateTests(BillingStackFixture fixture) : IClassFixture<BillingStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static void AssertPaused((HttpStatusCode Status, System.Text.Json.JsonElement Body) answer, Guid workspaceId, string what)
    {
        Assert.True(answer.Status == HttpStatusCode.PaymentRequired, $"{what}: {answer.Status} {answer.Body}");
        Assert.Equal("license_paused", answer.Body.GetProperty("code").GetString());
        Assert.Equal($"/w/{workspaceId}/billing", answer.Body.GetProperty("billingUrl").GetString());
    }

    private ApiClient AgentCaller(string apiKey)
    {
        var caller = Stack.Client();
        caller.Http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return caller;
    }

    [Fact]
    public async Task A_paused_workspace_refuses_agent_work_keeps_chat_and_reading_open_and_a_subscription_lifts_it()
    {
        var team = await Scenario.TeamAsync(Stack, "Paused");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "worker", "Worker");
        var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks",
            new { title = "Before the trial ended", assigneeId = agent.UserId, dueAt = DateTime.UtcNow.AddMinutes(-1) })).GetProperty("id").GetGuid();
        var skill = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills",
            new { content = "---\nname: paused-skill\ndescription: Anything.\n---\nBody.\n" })).GetProperty("id").GetGuid();
        var newcomer = await new AgentLinkOnboarding(Stack.WebUrl).RegisterAsync("Newcomer", "xunit");
        var invite = await team.Owner.InviteAsync(team.WorkspaceId);

        // The trial (7 days from creation) is over, and there is no subscription.
        await Stack.ExecuteAsync("update workspaces set created_at = now() - interval '8 days' where id = @w", new { w = team.WorkspaceId });
        var billing = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing");
        Assert.Equal(("paused", 0), (billing.GetProperty("license").GetString(), billing.GetProperty("trialDaysLeft").GetInt32()));

        var key = AgentCaller(agent.Registration.ApiKey);
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/agents/claim/{newcomer.RegistrationId}", new { workspaceId = team.WorkspaceId }), team.WorkspaceId, "claim");
        AssertPaused(await AgentCaller(newcomer.ApiKey).TryAsync(HttpMethod.Post, "/api/v1/agents/claim", new { inviteToken = invite }), team.WorkspaceId, "claim with invite");
        AssertPaused(await key.TryAsync(HttpMethod.Post, "/api/v1/agents/connect", new { agents = new[] { new { agentId = "worker", humanName = "Worker" } } }), team.WorkspaceId, "connect");
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "After", assigneeId = agent.UserId }), team.WorkspaceId, "create task");
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/tasks/{task}", new { status = "in_progress" }), team.WorkspaceId, "update task");
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/tasks/bulk", new { taskIds = new[] { task }, status = "done" }), team.WorkspaceId, "bulk");
        AssertPaused(await key.TryAsync(HttpMethod.Patch, $"/api/v1/agents/worker/tasks/{task}", new { status = "done" }), team.WorkspaceId, "agent update");
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/skills/{skill}/assignments", new { agentUserId = agent.UserId }), team.WorkspaceId, "assign skill");
        AssertPaused(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/agents/{agent.UserId}/audits", new { judge = "person", window = "24h" }),
            team.WorkspaceId, "run an audit");
        // Nothing was written by any of them.
        Assert.Equal("todo", await Stack.ScalarAsync<string>("select status from tasks where id = @task", new { task }));
        Assert.Equal(1L, await Stack.ScalarAsync<long>("select count(*) from tasks where workspace_id = @w", new { w = team.WorkspaceId }));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from skill_assignments where skill_id = @skill", new { skill }));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from audit_runs where workspace_id = @w", new { w = team.WorkspaceId }));
        Assert.Null(await Stack.ScalarAsync<Guid?>("select workspace_id from agent_registrations where id = @id", new { id = newcomer.RegistrationId }));

        // Its agent cannot connect over MQTT either: not to the embedded broker, and an external broker's hook says no.
        await agent.Client.DisconnectAsync();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => agent.NewClient().ConnectAsync());
        Assert.Contains("NotAuthorized", refused.Message);
        var hooks = new ApiClient(new HttpClient { BaseAddress = new Uri(Stack.FunctionsUrl) });
        hooks.Http.DefaultRequestHeaders.Add("X-AgentLink-Hook-Secret", Stack.Settings["AgentLink:Mqtt:HookSecret"]);
        var user = agent.UserId.ToString();
        var hook = await hooks.PostOkAsync("/api/v1/mqtt/auth", new { clientId = user, username = user, password = agent.Registration.ApiKey });
        Assert.Equal("deny", hook.GetProperty("result").GetString());
        Assert.StartsWith("license_paused", hook.GetProperty("error").GetString());

        // The deadline timer leaves the overdue task's due notice for later.
        var deadlines = ActivatorUtilities.CreateInstance<DispatchTaskDeadlines>(Stack.ApiServices);
        await deadlines.RunOnceAsync(CancellationToken.None);
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from task_dispatches where task_id = @task and reason = 'due'", new { task }));

        // People still read and chat.
        var posted = await team.Owner.PostMessageAsync(team.GeneralId, "We can still talk");
        Assert.Equal("We can still talk", posted.GetProperty("text").GetString());
        Assert.Equal(1, (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks")).GetProperty("items").GetArrayLength());
        await team.Owner.GetOkAsync($"/api/v1/skills/{skill}");

        // A subscription (from Stripe's webhook) lifts the pause: the same calls go through, the due notice goes out.
        var sub = $"sub_{Guid.NewGuid():N}";
        var body = StripeStub.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.created", StripeStub.Subscription(sub, "active", team.WorkspaceId), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using (var delivered = await StripeStub.DeliverAsync(Stack.WebUrl, body))
            Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal("active", (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing")).GetProperty("license").GetString());
        await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/tasks/{task}", new { priority = "high" });
        await agent.NewClient().ConnectAsync();
        Assert.Equal(1, await deadlines.RunOnceAsync(CancellationToken.None));
        var due = await TestAgent.NextAsync(agent.Tasks, e => e.Type == "task.due", TimeSpan.FromSeconds(15));
        Assert.Equal(task, due.Data.GetProperty("task").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Within_the_trial_nothing_is_gated()
    {
        var team = await Scenario.TeamAsync(Stack, "Trialing");
        var billing = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing");
        Assert.Equal(("trialing", true), (billing.GetProperty("license").GetString(), billing.GetProperty("enabled").GetBoolean()));
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "trial", "Trial Agent");
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Fine", assigneeId = agent.UserId });
    }
}

/// <summary>Self-hosted: no Stripe keys, so no workspace is ever gated, however old.</summary>
public sealed class SelfHostedLicenseTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    [Fact]
    public async Task Without_stripe_keys_an_old_workspace_is_active_and_billing_is_off()
    {
        var stack = fixture.Stack;
        var team = await Scenario.TeamAsync(stack, "Self hosted");
        await stack.ExecuteAsync("update workspaces set created_at = now() - interval '400 days' where id = @w", new { w = team.WorkspaceId });
        var billing = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/billing");
        Assert.Equal((false, "active"), (billing.GetProperty("enabled").GetBoolean(), billing.GetProperty("license").GetString()));
        await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Always allowed" });
        var (status, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/workspaces/{team.WorkspaceId}/billing/checkout");
        Assert.Equal((HttpStatusCode.Conflict, "billing_disabled"), (status, problem.GetProperty("code").GetString()));
        using var http = new HttpClient { BaseAddress = new Uri(stack.WebUrl) };
        var webhook = await http.PostAsync("/api/v1/billing/stripe/webhook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.NotFound, webhook.StatusCode);
    }
}
