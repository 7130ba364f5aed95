using AgentLink.LoadTest;

// Measures POST -> SSE latency with many listeners on a running stack (start it with infra/run.sh).
var options = Options.Parse(args);
Console.WriteLine($"AgentLink load test against {options.Url}: {options.Listeners} SSE listeners, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
var team = await Team.CreateAsync(options.Url, options.Listeners);
Console.WriteLine($"workspace {team.WorkspaceId}: {team.ListenerTokens.Count} members joined");

var offset = 0;
if (options.WarmupSeconds > 0)
{
    // Unreported: lets tiered JIT finish and connection pools fill, so the steps measure steady state.
    var warmup = new Run(options.Rate, options.WarmupSeconds, team.ListenerTokens.Count);
    await StepAsync(warmup);
    Console.WriteLine($"warm-up: {options.WarmupSeconds} s at {options.Rate}/s (not reported)");
}

var runs = options.FindMax
    ? Enumerable.Range(0, int.MaxValue).Select(i => options.Rate + i * options.Step).TakeWhile(r => r <= options.MaxRate)
    : [options.Rate];
Result? best = null;
foreach (var rate in runs)
{
    var result = await StepAsync(new Run(rate, options.Seconds, team.ListenerTokens.Count));
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
    Console.WriteLine(best is null ? "no rate was sustained" : $"highest sustained rate: {best.Rate} messages/s with {best.Listeners} listeners");

// Fresh listeners per step, so a step's backlog never bleeds into the next.
async Task<Result> StepAsync(Run run)
{
    using var cts = new CancellationTokenSource();
    var connected = await Task.WhenAll(team.ListenerTokens.Select(t => new Listener(options.Url, t, team.WorkspaceId, run).ConnectAsync(cts.Token)));
    if (connected.Any(ok => !ok)) throw new InvalidOperationException("Some listeners did not get ready.");
    var result = await run.ExecuteAsync(team.Owner, team.ChannelId, offset);
    await cts.CancelAsync();
    offset += run.Total;
    return result;
}
