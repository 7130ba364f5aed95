using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentLink.LoadTest;

/// <summary>
/// --mcp-deliveries: a person DMs an agent that is on MCP only, at a fixed rate; the delay is from the DM's
/// POST to the notifications/agentlink/delivery that carries it on the agent's session (the outbox row,
/// the bridge's dispatcher, the session's stream, through the web host's /mcp forward). The agent
/// acknowledges what it got after each step, as an agent should.
/// </summary>
public static class McpDeliveryBench
{
    public static async Task RunAsync(Uri url, int rate, int seconds, int warmupSeconds)
    {
        Console.WriteLine($"AgentLink MCP delivery benchmark against {url}: a person DMs an agent on MCP at {rate}/s; {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        var team = await Team.CreateAsync(url, 0);
        var (apiKey, connected) = await team.OnboardAgentsAsync(url, "MCP delivery bench", [("bench", "MCP Bench")]);
        var dm = await (await team.Owner.PostAsJsonAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = connected[0].Agents[0].UserId }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var dmId = dm.GetProperty("id").GetGuid();

        Run? current = null;
        long lastDelivery = 0;
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(url, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {apiKey}" },
        }), new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new("notifications/agentlink/delivery", (n, _) =>
                    {
                        var at = Stopwatch.GetTimestamp();
                        foreach (var d in n.Params!["deliveries"]!.AsArray())
                        {
                            if (current is { } run) Listener.Scan(Encoding.UTF8.GetBytes(d!.ToJsonString()), at, run);
                            var id = d!["deliveryId"]!.GetValue<long>();
                            long seen;
                            while ((seen = Interlocked.Read(ref lastDelivery)) < id && Interlocked.CompareExchange(ref lastDelivery, id, seen) != seen) { }
                        }
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        });
        // The session's notification stream opens just after initialize; give it a moment before measuring.
        await Task.Delay(1000);

        var offset = 0;
        async Task<Result> StepAsync(int stepSeconds)
        {
            var run = new Run(rate, stepSeconds, 1);
            current = run;
            var result = await run.ExecuteAsync(async n => (await team.Owner.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { text = $"load {n} " })).IsSuccessStatusCode, offset);
            offset += run.Total;
            await client.CallToolAsync("ack_inbox", new Dictionary<string, object?> { ["upTo"] = Interlocked.Read(ref lastDelivery) });
            return result;
        }
        if (warmupSeconds > 0)
        {
            await StepAsync(warmupSeconds);
            Console.WriteLine($"warm-up: {warmupSeconds} s at {rate}/s (not reported)");
        }
        Console.WriteLine((await StepAsync(seconds)).ToString().Replace("read receipts 0 (0 failed)", "").TrimEnd());
    }
}
