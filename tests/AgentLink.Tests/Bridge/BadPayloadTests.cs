using System.Text;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>
/// What an agent gets wrong is refused with a reason on its inbox (and, with MQTT 5 on the
/// embedded broker, in the PUBACK), writes nothing, and leaves the bridge serving.
/// </summary>
public abstract class BadPayloadTests(BridgeStackFixture fixture)
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Bad_payloads_are_refused_with_a_reason_the_agent_sees_write_nothing_and_the_bridge_keeps_serving()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        var elsewhere = await team.Owner.CreateChannelAsync(team.WorkspaceId, "not-for-agents", isPrivate: true);
        var archived = await team.Owner.CreateChannelAsync(team.WorkspaceId, "old-news");
        await team.Owner.PostOkAsync($"/api/v1/channels/{archived}/members", new { userId = agent.UserId });
        await team.Owner.PostOkAsync($"/api/v1/channels/{archived}/archive");
        var rootElsewhere = (await team.Owner.PostMessageAsync(elsewhere, "a root the agent cannot see")).GetProperty("id").GetGuid();
        byte[] Json(object o) => JsonSerializer.SerializeToUtf8Bytes(o);
        var cases = new (string Name, byte[] Payload, string Code)[]
        {
            ("not JSON", Encoding.UTF8.GetBytes("hello, is this thing on?"), "invalid_json"),
            ("a JSON array", Encoding.UTF8.GetBytes("[1,2,3]"), "invalid_json"),
            ("oversize", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = new string('x', 40_000) } }), "payload_too_large"),
            ("no id", Json(new { type = "message.post", data = new { channelId = team.GeneralId, text = "hi" } }), "validation_failed"),
            ("unknown type", Json(new { id = Guid.NewGuid(), type = "message.shout", data = new { channelId = team.GeneralId, text = "hi" } }), "unknown_type"),
            ("a channelId that is a number", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = 42, text = "hi" } }), "validation_failed"),
            ("missing text", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId } }), "validation_failed"),
            ("text too long", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = new string('y', 4001) } }), "validation_failed"),
            ("a channel it is not in", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = elsewhere, text = "hi" } }), "channel_not_found"),
            ("an archived channel", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = archived, text = "hi" } }), "channel_archived"),
            ("a thread root of another channel", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = "hi", parentId = rootElsewhere } }), "validation_failed"),
            ("a channel that does not exist", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = Guid.NewGuid(), text = "hi" } }), "channel_not_found"),
            // PostgreSQL cannot store a NUL in text; it used to make the bridge drop the connection, so a resending client looped forever.
            ("a NUL in the text", Json(new { id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = "nul\u0000here" } }), "invalid_text"),
            ("a NUL in a property name", Encoding.UTF8.GetBytes($$$"""{"id":"{{{Guid.NewGuid()}}}","type":"message.post","data":{"channelId":"{{{team.GeneralId}}}","text":"hi","x\u0000":1} }"""), "invalid_text"),
        };
        foreach (var (name, payload, code) in cases)
        {
            await agent.Client.PublishRawAsync(payload);
            var error = await TestAgent.NextAsync(agent.Errors, timeout: TimeSpan.FromSeconds(5));
            Assert.True(error.Code == code, $"{name}: got {error.Code} ({error.Reason})");
            Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        }

        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from channel_messages where author_id = @id", new { id = agent.UserId }));
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from agent_inbound where agent_user_id = @id", new { id = agent.UserId }));
        // Still serving: the next good message is written, and no refusal cost the agent its connection.
        await agent.Client.PostAsync(team.GeneralId, "sorry about that");
        Assert.Equal(1L, await Stack.EventuallyAsync("select count(*) from channel_messages where author_id = @id", new { id = agent.UserId }, 1L));
        Assert.Equal(0, agent.Client.Disconnections);
    }

    [Fact]
    public async Task Generated_malformed_envelopes_are_each_refused_with_a_code_and_none_costs_the_connection()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        string Envelope(string id, string type, string data) => $$"""{"id":{{id}},"type":{{type}},"data":{{data}}}""";
        var channel = $"\"{team.GeneralId}\"";
        var bad = new[] { "\"a\\u0000b\"", "\"\\ud800\"", "1e999", "[[{}]]", "{\"\\u0000\":1}", "true", "-0" };
        var payloads = new List<string>();
        foreach (var v in bad)
        {
            payloads.Add(Envelope(v, "\"message.post\"", $$"""{"channelId":{{channel}},"text":"hi"}"""));
            payloads.Add(Envelope($"\"{Guid.NewGuid()}\"", "\"message.post\"", $$"""{"channelId":{{v}},"text":"hi"}"""));
            payloads.Add(Envelope($"\"{Guid.NewGuid()}\"", "\"message.post\"", $$"""{"channelId":{{channel}},"text":{{v}}}"""));
        }
        payloads.Add(Envelope($"\"{Guid.NewGuid()}\"", "\"message.post\"", "[" + string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 301))));
        var random = new Random(20261128);
        var bytes = Enumerable.Range(0, 3).Select(_ => { var b = new byte[random.Next(1, 200)]; random.NextBytes(b); return b; });
        var all = payloads.Select(Encoding.UTF8.GetBytes).Concat(bytes).ToList();
        Assert.True(all.Count <= 28, "stay inside the agent's burst, so the refusals are for what is wrong, not the rate");

        foreach (var payload in all)
        {
            await agent.Client.PublishRawAsync(payload);
            var error = await TestAgent.NextAsync(agent.Errors, timeout: TimeSpan.FromSeconds(5));
            Assert.False(string.IsNullOrWhiteSpace(error.Code), Encoding.UTF8.GetString(payload));
            Assert.NotEqual("internal_error", error.Code);
        }
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from channel_messages where author_id = @id", new { id = agent.UserId }));
        await agent.Client.PostAsync(team.GeneralId, "all good now");
        Assert.Equal(1L, await Stack.EventuallyAsync("select count(*) from channel_messages where author_id = @id", new { id = agent.UserId }, 1L));
        Assert.Equal(0, agent.Client.Disconnections);
    }

    [Fact]
    public async Task The_error_names_the_refused_message_by_its_id()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        var id = Guid.NewGuid();
        await agent.Client.PublishRawAsync(JsonSerializer.SerializeToUtf8Bytes(new { id, type = "task.delete", data = new { } }));
        var error = await TestAgent.NextAsync(agent.Errors);
        Assert.Equal(id, error.RefId);
        Assert.Equal("unknown_type", error.Code);
    }
}

public sealed class BadPayloadOnEmbeddedBrokerTests(EmbeddedBrokerFixture fixture) : BadPayloadTests(fixture), IClassFixture<EmbeddedBrokerFixture>;

public sealed class BadPayloadOnMosquittoTests(MosquittoFixture fixture) : BadPayloadTests(fixture), IClassFixture<MosquittoFixture>;
