using AgentLink.LoadTest;

if (Array.IndexOf(args, "--cold-start") is var cold and >= 0)
{
    var coldRuns = Array.IndexOf(args, "--runs") is var r and >= 0 ? int.Parse(args[r + 1]) : 10;
    await ColdStart.RunAsync(args[cold + 1], coldRuns);
    return;
}

if (args.Contains("--mcp-deliveries"))
{
    string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;
    await McpDeliveryBench.RunAsync(new Uri(Arg("--url", "http://localhost:8080")), int.Parse(Arg("--rate", "4")), int.Parse(Arg("--seconds", "15")),
        int.Parse(Arg("--warmup-seconds", "5")));
    return;
}

if (Array.IndexOf(args, "--task-board") is var board and >= 0)
{
    var boardUrl = Array.IndexOf(args, "--url") is var u and >= 0 ? new Uri(args[u + 1]) : new Uri("http://localhost:8080");
    var boardRequests = Array.IndexOf(args, "--requests") is var q and >= 0 ? int.Parse(args[q + 1]) : 200;
    await TaskBoard.RunAsync(boardUrl, int.Parse(args[board + 1]), boardRequests);
    return;
}

if (Array.IndexOf(args, "--memories") is var memories and >= 0)
{
    var memoryUrl = Array.IndexOf(args, "--url") is var u2 and >= 0 ? new Uri(args[u2 + 1]) : new Uri("http://localhost:8080");
    var database = Array.IndexOf(args, "--db") is var d and >= 0 ? args[d + 1] : throw new ArgumentException("--memories needs --db CONNECTION_STRING (infra/load.sh passes it)");
    var memoryAgents = Array.IndexOf(args, "--memory-agents") is var a and >= 0 ? int.Parse(args[a + 1]) : 10;
    var memoryQueries = Array.IndexOf(args, "--requests") is var q2 and >= 0 ? int.Parse(args[q2 + 1]) : 200;
    Guid? reuse = Array.IndexOf(args, "--reuse-workspace") is var rw and >= 0 ? Guid.Parse(args[rw + 1]) : null;
    var tuning = new AgentLink.Core.Options.MemoryOptions();
    if (Array.IndexOf(args, "--ef-search") is var ef and >= 0) tuning.EfSearch = int.Parse(args[ef + 1]);
    if (Array.IndexOf(args, "--candidates") is var cand and >= 0) tuning.SearchCandidates = int.Parse(args[cand + 1]);
    if (Array.IndexOf(args, "--exact-below") is var eb and >= 0) tuning.ExactScanBelow = int.Parse(args[eb + 1]);
    await MemoryBench.RunAsync(memoryUrl, database, int.Parse(args[memories + 1]), memoryAgents, memoryQueries, reuse, tuning);
    return;
}

// Measures send -> delivery latency on a running stack (start it with infra/run.sh): a person posting
// over HTTP, or (--agents N) agents publishing over MQTT, to SSE listeners; or (--mosquitto-ceiling)
// the same MQTT load through a bare broker with no AgentLink and no persistence.
var options = Options.Parse(args);
var mode = options.MosquittoCeiling ? $"bare MQTT broker {options.MqttHost}:{options.MqttPort}, {Math.Max(options.Agents, 1)} publishers, {options.Listeners} subscribers"
    : options.Agents > 0 && options.Mcp ? $"{options.Agents} agents posting over MCP, {options.Listeners} SSE listeners"
    : options.Agents > 0 ? $"{options.Agents} agents publishing over MQTT, {options.Listeners} SSE listeners"
    : $"a person posting over HTTP, {options.Listeners} SSE listeners";
Console.WriteLine($"AgentLink load test against {options.Url}: {mode}; {Environment.ProcessorCount} cores, {Environment.OSVersion}");

await using var ceiling = options.MosquittoCeiling
    ? await BrokerCeiling.CreateAsync(options.MqttHost, options.MqttPort, Math.Max(options.Agents, 1), options.Listeners)
    : null;
var team = ceiling is null ? await Team.CreateAsync(options.Url, options.Listeners) : null;
if (team is not null) Console.WriteLine($"workspace {team.WorkspaceId}: {team.ListenerTokens.Count} members joined");
await using var agents = team is not null && options.Agents > 0 && !options.Mcp ? await AgentSenders.CreateAsync(options.Url, team, options.Agents) : null;
await using var mcpAgents = team is not null && options.Agents > 0 && options.Mcp ? await McpSenders.CreateAsync(options.Url, team, options.Agents) : null;
var listenerCount = team?.ListenerTokens.Count ?? options.Listeners;
// People take turns posting; every listener marks read as the page does (unless --no-read).
var posters = team is not null ? new Posters(options.Url, team.ListenerTokens, team.ChannelId) : null;
var reads = team is not null && !options.NoRead ? new ReadReceipts(options.Url, team.ChannelId) : null;

var offset = 0;
if (options.WarmupSeconds > 0)
{
    // Unreported: lets tiered JIT finish and connection pools fill, so the steps measure steady state.
    var warmup = new Run(options.Rate, options.WarmupSeconds, listenerCount);
    await StepAsync(warmup);
    Console.WriteLine($"warm-up: {options.WarmupSeconds} s at {options.Rate}/s (not reported)");
}

var runs = options.FindMax
    ? Enumerable.Range(0, int.MaxValue).Select(i => options.Rate + i * options.Step).TakeWhile(r => r <= options.MaxRate)
    : [options.Rate];
Result? best = null;
foreach (var rate in runs)
{
    var result = await StepAsync(new Run(rate, options.Seconds, listenerCount));
    Console.WriteLine(result);
    if (!options.FindMax) break;
    if (!result.Sustained(options.SustainedP99Ms))
    {
        Console.WriteLine($"not sustained at {rate}/s (all delivered, >=95% of the rate, p99 <= {options.SustainedP99Ms} ms)");
        break;
    }
    best = result;
    await Task.Delay(2000);
}
if (options.FindMax)
    Console.WriteLine(best is null ? "no rate was sustained" : $"highest sustained rate: {best.Rate} messages/s with {best.Listeners} listeners ({mode})");

// Fresh listeners per step, so a step's backlog never bleeds into the next.
async Task<Result> StepAsync(Run run)
{
    using var cts = new CancellationTokenSource();
    Result result;
    if (ceiling is not null)
    {
        ceiling.Attach(run);
        result = await run.ExecuteAsync(ceiling.SendAsync, offset);
        offset += run.Total;
        return result;
    }
    reads?.Reset();
    var connected = await Task.WhenAll(team!.ListenerTokens.Select(t => new Listener(options.Url, t, team.WorkspaceId, run, reads).ConnectAsync(cts.Token)));
    if (connected.Any(ok => !ok)) throw new InvalidOperationException("Some listeners did not get ready.");
    result = agents is not null ? await run.ExecuteAsync(agents.SendAsync, offset)
        : mcpAgents is not null ? await run.ExecuteAsync(mcpAgents.SendAsync, offset)
        : await run.ExecuteAsync(posters!.SendAsync, offset);
    await cts.CancelAsync();
    offset += run.Total;
    if (reads is not null) result = result with { ReadsSent = reads.Sent, ReadsFailed = reads.Failed };
    return result;
}
