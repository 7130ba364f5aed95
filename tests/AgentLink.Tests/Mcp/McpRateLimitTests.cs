using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;
using ModelContextProtocol;

namespace AgentLink.Tests.Mcp;

/// <summary>A stack whose agents may send 1 message a second after a burst of 5, so a burst past it is certain however slow the machine.</summary>
public sealed class SlowAgentsFixture() : BridgeStackFixture(BrokerMode.Embedded, new Dictionary<string, string?>
{
    ["AgentLink:Mqtt:AgentMessagesPerSecond"] = "1",
    ["AgentLink:Mqtt:AgentMessageBurst"] = "5",
});

/// <summary>MCP tools that write take the same per-agent limit as MQTT publishes.</summary>
public sealed class McpRateLimitTests(SlowAgentsFixture fixture) : IClassFixture<SlowAgentsFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task An_agent_posting_past_its_rate_over_MCP_is_refused_with_rate_limited_and_only_what_was_accepted_is_written()
    {
        var team = await Scenario.TeamAsync(Stack, "Rae");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "rae-bot", "Rae Bot", connect: false);
        await using var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            try { await mcp.CallAsync("post_message", new { channelId = team.GeneralId, text = $"burst {i}" }); return "ok"; }
            catch (McpProtocolException e) { return $"{e.ErrorCode}:{McpAgent.CodeOf(e)}"; }
        }));
        Assert.Contains("ok", outcomes);
        Assert.Contains($"{McpErrorCode.InvalidParams}:rate_limited", outcomes);
        Assert.All(outcomes, o => Assert.True(o is "ok" || o.EndsWith(":rate_limited"), o));
        Assert.Equal(outcomes.Count(o => o == "ok"), await Stack.ScalarAsync<long>(
            "select count(*) from channel_messages where channel_id = @c and text like 'burst %'", new { c = team.GeneralId }));
    }
}
