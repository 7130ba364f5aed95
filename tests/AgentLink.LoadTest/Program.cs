using AgentLink.LoadTest;

// Measures POST -> SSE latency with many listeners on a running stack (start it with infra/run.sh).
var options = Options.Parse(args);
Console.WriteLine($"AgentLink load test against {options.Url}: {options.Listeners} SSE listeners, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
var team = await Team.CreateAsync(options.Url, options.Listeners);
Console.WriteLine($"workspace {team.WorkspaceId}: {team.ListenerTokens.Count} members joined");

var runs = options.FindMax
    ? Enumerable.Range(0, int.MaxValue).Select(i => options.Rate + i * options.Step).TakeWhile(r => r <= options.MaxRate)
    : [options.Rate];
var offset = 0;
Result? best = null;
foreach (var rate in runs)
{
    var run = new Run(rate, options.Seconds, team.ListenerTokens.Count);
    using var cts = new CancellationTokenSource();
    // Fresh listeners per step, so a step's backlog never bleeds into the next.
    var connected = await Task.WhenAll(team.ListenerTokens.Select(t => new Listener(options.Url, t, team.WorkspaceId, run).ConnectAsync(cts.Token)));
    if (connected.Any(ok => !ok)) throw new InvalidOperationException("Some listeners did not get ready.");
    var result = await run.ExecuteAsync(team.Owner, team.ChannelId, offset);
    await cts.CancelAsync();
    offset += run.Total;
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
