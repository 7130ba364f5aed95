using AgentLink.Client;
using AgentLink.DemoAgent;

// Usage:
//   AgentLink.DemoAgent --url http://localhost:8080 [--state DIR] [--name "Demo Agent"] [--agent-id demo]
//   AgentLink.DemoAgent --url ... --api-key alk_...      (an already claimed registration)
//   --keepalive SECONDS overrides the broker's advice (tests use a short one).
//   --work-seconds SECONDS is how long a task stays in progress (2 by default).
//   --with-auditor NAME also connects a second agent, NAME (agent id "auditor"), on the same registration: once a
//     workspace marks it as an auditor (Audits, Who judges), it judges other agents' audit runs.
var options = DemoOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: AgentLink.DemoAgent --url URL [--state DIR] [--api-key KEY] [--name NAME] [--agent-id ID] [--keepalive SECONDS] [--work-seconds SECONDS] [--with-auditor NAME]");
    return 2;
}
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

var onboarding = new AgentLinkOnboarding(options.Url);
var apiKey = options.ApiKey ?? await KeyStore.LoadOrRegisterAsync(onboarding, options, stop.Token);
var status = await onboarding.StatusAsync(apiKey, stop.Token);
if (status.Status == "expired")
{
    Console.Error.WriteLine("demo-agent: the claim window passed before anyone claimed me; delete the state folder to register again.");
    return 1;
}
if (status.Status == "pending")
{
    Console.WriteLine($"demo-agent: claim me at {status.ClaimUrl} (valid until {status.ClaimExpiresAt:u})");
    status = await onboarding.WaitForClaimAsync(apiKey, TimeSpan.FromSeconds(2), stop.Token);
}
Console.WriteLine($"demo-agent: claimed into \"{status.Workspace?.Name}\"");

const string AuditorId = "auditor";
var info = await onboarding.ConnectAsync(apiKey,
    options.AuditorName is { } auditorName ? [(options.AgentId, options.Name), (AuditorId, auditorName)] : [(options.AgentId, options.Name)], stop.Token);
var clientOptions = new AgentLinkClientOptions();
if (options.KeepAliveSeconds is { } keepAlive) clientOptions.KeepAlive = TimeSpan.FromSeconds(keepAlive);
await using var client = new AgentLinkClient(info, options.AgentId, clientOptions);
var brain = new DemoBrain(options.Name);
client.MessageReceived += async envelope =>
{
    if (envelope.Message is not { } message) return;
    await client.SetStatusAsync("busy");
    try
    {
        // A DM gets an answer in the DM; a mention gets one in the mention's thread.
        var parent = envelope.Reason == "mention" ? message.ParentId ?? message.Id : (Guid?)null;
        // "remember …" keeps a memory (memory.write); "recall …" searches them (memory.search).
        var answer = DemoBrain.MemoryRequest(message.Text) switch
        {
            ("remember", var fact) => await RememberAsync(fact),
            ("recall", var question) => await RecallAsync(question),
            _ => brain.Answer(message),
        };
        await client.PostAsync(message.ChannelId, answer, parent, stop.Token);
    }
    finally
    {
        await client.SetStatusAsync("online");
    }
};
async Task<string> RememberAsync(string fact)
{
    await client.WriteMemoryAsync(fact, "taught", confidence: 0.9, ct: stop.Token);
    return "Noted, I'll remember that.";
}
async Task<string> RecallAsync(string question)
{
    var hits = await client.SearchMemoriesAsync(question, ct: stop.Token);
    return hits.Length == 0 ? "I don't remember anything about that." : $"I remember: {hits[0].Memory.Content}";
}
// A task: say so in its channel, work on it, then hand back the result (pending_review when the
// task asks for a review, done otherwise). An instance of a repeating series due later waits for its
// task.due; without that, finishing one instance would start the next at once, all the way to the cap.
var working = new System.Collections.Concurrent.ConcurrentDictionary<Guid, bool>();
client.TaskReceived += async envelope =>
{
    if (envelope.Task is not { } task) return;
    var plan = DemoBrain.Plan(envelope.Reason, task, DateTime.UtcNow);
    try
    {
        if (plan == TaskPlan.Schedule && task.ChannelId is { } later)
            await client.PostAsync(later, $"{task.Key} \"{task.Title}\" is next due {task.DueAt:u}; I'll do it then.", null, stop.Token);
        else if (plan == TaskPlan.Remind && task.ChannelId is { } soon)
            await client.PostAsync(soon, $"{task.Key} \"{task.Title}\" is due soon; I'm on it.", null, stop.Token);
        // The work runs beside the inbox, so DMs and skills are answered meanwhile.
        if (plan == TaskPlan.Work && working.TryAdd(task.Id, true)) _ = Task.Run(() => WorkAsync(task));
    }
    catch (AgentLinkException ex)
    {
        Console.Error.WriteLine($"demo-agent: task {task.Key}: {ex.Message}");
    }
};
async Task WorkAsync(AgentTask task)
{
    try
    {
        await client.SetStatusAsync("busy");
        await onboarding.UpdateTaskAsync(apiKey, options.AgentId, task.Id, status: "in_progress", comment: "Picked it up.", ct: stop.Token);
        if (task.ChannelId is { } channel) await client.PostAsync(channel, $"Working on {task.Key}: {task.Title}", null, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(options.WorkSeconds), stop.Token);
        var (status, result) = brain.Work(task.Title, task.Description);
        await onboarding.UpdateTaskAsync(apiKey, options.AgentId, task.Id, status: status, result: result, ct: stop.Token);
        if (task.ChannelId is { } done) await client.PostAsync(done, $"{task.Key} {(status == "done" ? "is done" : "needs a review")}: {result}", null, stop.Token);
        // What it did becomes something it remembers (found again by "recall").
        await client.WriteMemoryAsync($"I worked on {task.Key} \"{task.Title}\" and set it {status}.", "tasks", confidence: 0.8, ct: stop.Token);
    }
    catch (Exception ex) when (ex is AgentLinkException or OperationCanceledException or HttpRequestException)
    {
        if (!stop.IsCancellationRequested) Console.Error.WriteLine($"demo-agent: task {task.Key}: {ex.Message}");
    }
    finally
    {
        working.TryRemove(task.Id, out _);
        try { await client.SetStatusAsync("online"); } catch (Exception) { /* stopping */ }
    }
}
// Skills: acknowledge each one received, so its delivery shows as delivered.
var skills = new System.Collections.Concurrent.ConcurrentDictionary<Guid, string>();
client.SkillReceived += async envelope =>
{
    var skillId = envelope.Data.GetProperty("skillId").GetGuid();
    if (envelope.Type == "skill.revoked") { skills.TryRemove(skillId, out _); return; }
    skills[skillId] = envelope.Data.GetProperty("name").GetString() ?? "";
    await client.AcknowledgeSkillAsync(skillId, envelope.Id, stop.Token);
};
brain.Skills = () => skills.Values.Order().ToList();
// Audits: when the workspace marks this agent as an auditor, it judges other agents' runs (rule-based, see DemoAuditor).
client.AuditRequested += request => JudgeAsync(client, request);
async Task JudgeAsync(AgentLinkClient judge, AuditRequest request)
{
    await judge.SetStatusAsync("busy");
    try
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(options.WorkSeconds, 1)), stop.Token);
        await judge.SendAuditResultAsync(DemoAuditor.Judge(request), stop.Token);
        Console.WriteLine($"demo-agent: judged the audit of {request.Agent.Name} ({request.Evidence.Length} items of evidence)");
    }
    catch (Exception ex) when (ex is AgentLinkException or OperationCanceledException)
    {
        if (!stop.IsCancellationRequested) Console.Error.WriteLine($"demo-agent: audit of {request.Agent.Name}: {ex.Message}");
    }
    finally
    {
        try { await judge.SetStatusAsync("online"); } catch (Exception) { /* stopping */ }
    }
}
// The companion auditor (--with-auditor): judges audits, and says what it is for when spoken to.
await using var auditor = options.AuditorName is null ? null : new AgentLinkClient(info, AuditorId, clientOptions);
if (auditor is not null)
{
    auditor.AuditRequested += request => JudgeAsync(auditor, request);
    auditor.MessageReceived += async envelope =>
    {
        if (envelope.Message is not { } message) return;
        await auditor.PostAsync(message.ChannelId,
            $"I'm {options.AuditorName}: I judge other agents' work against the workspace's rubric once I'm marked as an auditor (Audits, then Who judges). " +
            "I'm rule-based, not a model: I count what the evidence shows and say so.", envelope.Reason == "mention" ? message.ParentId ?? message.Id : null, stop.Token);
    };
}
client.ErrorReceived += error =>
{
    Console.Error.WriteLine($"demo-agent: the platform refused a message: {error.Code}: {error.Reason}");
    return Task.CompletedTask;
};
await client.ConnectAsync(stop.Token);
if (auditor is not null) await auditor.ConnectAsync(stop.Token);
Console.WriteLine($"demo-agent: online as {options.Name}{(auditor is null ? "" : $" and {options.AuditorName}")} ({info.Broker.Url}); DM me in the web app");
try { await Task.Delay(Timeout.Infinite, stop.Token); }
catch (OperationCanceledException) { }
Console.WriteLine("demo-agent: going offline");
return 0;
