using System.Text.Json.Nodes;
using AgentLink.Core.Options;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Mcp;

/// <summary>A stack whose MCP offers lapse after 5 s, so a delivery the agent did not acknowledge is seen coming back.</summary>
public sealed class McpStackFixture() : BridgeStackFixture(BrokerMode.Embedded, new Dictionary<string, string?> { ["AgentLink:Mcp:OfferSeconds"] = "5" });

/// <summary>
/// One outbox, two transports: an agent on MQTT and MCP at once gets each delivery once; on MCP
/// alone it gets them live as notifications; what it acknowledged never comes again, what it did not
/// comes again (over whichever transport it is on).
/// </summary>
public sealed class McpDeliveryTests(McpStackFixture fixture) : IClassFixture<McpStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static Guid MessageIdOf(JsonObject delivery) => Guid.Parse(delivery["envelope"]!["data"]!["message"]!["id"]!.GetValue<string>());

    [Fact]
    public async Task An_agent_on_MQTT_and_MCP_at_once_gets_each_delivery_once_and_acknowledged_MCP_deliveries_never_come_again()
    {
        var team = await Scenario.TeamAsync(Stack, "Noor");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "both", "Both Ways");
        await using var mcp = await McpAgent.ConnectAsync(Stack, agent.Registration.ApiKey);
        var dmId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();

        // Both transports open: ten DMs, each exactly once, over MQTT (the transport with per-message acknowledgements).
        var sent = new List<Guid>();
        for (var i = 0; i < 10; i++) sent.Add((await team.Owner.PostMessageAsync(dmId, $"both {i}")).GetProperty("id").GetGuid());
        var overMqtt = await TestAgent.UntilAsync(agent.Inbox, e => e.Message?.Id == sent[^1], TimeSpan.FromSeconds(10));
        var overMcp = (await mcp.CallAsync("read_inbox")).GetProperty("deliveries").EnumerateArray().Count();
        Assert.Equal(sent, overMqtt.Select(e => e.Message!.Id));
        Assert.Equal(0, overMcp);
        Assert.False(mcp.Deliveries.Reader.TryRead(out _));

        // MQTT gone: the next ones arrive live on the MCP session, as notifications.
        await agent.Client.DisconnectAsync();
        var live = new List<Guid>();
        for (var i = 0; i < 5; i++) live.Add((await team.Owner.PostMessageAsync(dmId, $"mcp {i}")).GetProperty("id").GetGuid());
        var pushed = new List<JsonObject>();
        while (pushed.Count < 5) pushed.Add(await TestAgent.NextAsync(mcp.Deliveries, timeout: TimeSpan.FromSeconds(10)));
        // A client may handle notifications concurrently (the SDK's does); deliveryId is the order.
        Assert.Equal(live, pushed.OrderBy(d => d["deliveryId"]!.GetValue<long>()).Select(MessageIdOf));
        var acked = await mcp.CallAsync("ack_inbox", new { upTo = pushed.Max(d => d["deliveryId"]!.GetValue<long>()) });
        Assert.Equal(5, acked.GetProperty("acknowledged").GetInt32());

        // One more, pushed but never acknowledged.
        var unacked = (await team.Owner.PostMessageAsync(dmId, "not acknowledged")).GetProperty("id").GetGuid();
        Assert.Equal(unacked, MessageIdOf(await TestAgent.NextAsync(mcp.Deliveries, timeout: TimeSpan.FromSeconds(10))));

        // Back on MQTT: the unacknowledged one comes again once its offer lapses; the acknowledged five never do.
        await mcp.DisposeAsync();
        var client = agent.NewClient();
        await client.ConnectAsync();
        var back = await TestAgent.UntilAsync(agent.Inbox, e => e.Message?.Id == unacked, TimeSpan.FromSeconds(30));
        var marker = (await team.Owner.PostMessageAsync(dmId, "marker")).GetProperty("id").GetGuid();
        back.AddRange(await TestAgent.UntilAsync(agent.Inbox, e => e.Message?.Id == marker, TimeSpan.FromSeconds(10)));
        Assert.Equal([unacked, marker], back.Select(e => e.Message!.Id));
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from agent_outbox where agent_user_id = @id and delivered_at is null", new { id = agent.UserId }));
    }
}
