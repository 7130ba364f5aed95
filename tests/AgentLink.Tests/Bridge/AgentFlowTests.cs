using System.Diagnostics;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>
/// The four paths between people and agents, end to end through a real broker: the
/// embedded MQTTnet one and Mosquitto (the bridge as its client).
/// </summary>
public abstract class AgentFlowTests(BridgeStackFixture fixture)
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_humans_DM_reaches_the_agents_inbox_within_one_second()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        var dm = await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId });
        var dmId = dm.GetProperty("id").GetGuid();

        var sent = Stopwatch.GetTimestamp();
        var posted = await team.Owner.PostMessageAsync(dmId, "Can you summarise yesterday's thread?");
        var received = await TestAgent.NextAsync(agent.Inbox, timeout: TimeSpan.FromSeconds(5));
        var latency = Stopwatch.GetElapsedTime(sent);

        Assert.True(latency < TimeSpan.FromSeconds(1), $"took {latency.TotalMilliseconds} ms");
        Assert.Equal("message", received.Type);
        Assert.Equal("dm", received.Reason);
        Assert.Equal(posted.GetProperty("id").GetGuid(), received.Message!.Id);
        Assert.Equal(dmId, received.Message.ChannelId);
        Assert.Equal(team.Owner.UserId, received.Message.Author.Id);
        Assert.Equal("Can you summarise yesterday's thread?", received.Message.Text);
        await WaitDeliveredAsync(agent.UserId);
    }

    [Fact]
    public async Task An_agents_channel_post_reaches_both_humans_SSE_streams_and_other_agents_within_one_second_but_never_its_author()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        await using var writer = await TestAgent.OnboardAsync(Stack, team, "writer", "Writer");
        await using var reader = await TestAgent.OnboardAsync(Stack, team, "reader", "Reader");
        await using var annStream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await using var bobStream = await Stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await annStream.NextAsync("ready");
        await bobStream.NextAsync("ready");

        var sent = Stopwatch.GetTimestamp();
        var id = await writer.Client.PostAsync(team.GeneralId, "Deploy finished: all green.");
        var atAnn = await annStream.NextAsync(e => e.Type == "message.created", TimeSpan.FromSeconds(5));
        var atBob = await bobStream.NextAsync(e => e.Type == "message.created", TimeSpan.FromSeconds(5));
        var atReader = await TestAgent.NextAsync(reader.ChannelMessages, timeout: TimeSpan.FromSeconds(5));
        var slowest = Stopwatch.GetElapsedTime(sent, Math.Max(atAnn.ReceivedTimestamp, atBob.ReceivedTimestamp));

        Assert.True(slowest < TimeSpan.FromSeconds(1), $"took {slowest.TotalMilliseconds} ms");
        foreach (var e in new[] { atAnn, atBob })
        {
            Assert.Equal("Deploy finished: all green.", e.Payload.GetProperty("text").GetString());
            Assert.Equal(writer.UserId, e.Payload.GetProperty("author").GetProperty("id").GetGuid());
            Assert.Equal("agent", e.Payload.GetProperty("author").GetProperty("kind").GetString());
        }
        Assert.Equal("Deploy finished: all green.", atReader.Message!.Text);
        Assert.Equal(team.GeneralId, atReader.Message.ChannelId);
        // The author hears nothing of its own post, on any path: markers sent after it arrive, and only they do.
        await team.Owner.PostMessageAsync(team.GeneralId, "channel marker");
        var feed = await TestAgent.UntilAsync(writer.ChannelMessages, m => m.Message!.Text == "channel marker");
        Assert.Single(feed);
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = writer.UserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dm, "inbox marker");
        var inbox = await TestAgent.UntilAsync(writer.Inbox, m => m.Message!.Text == "inbox marker");
        Assert.Single(inbox);
        Assert.Equal(1L, await Stack.EventuallyAsync("select count(*) from agent_inbound where message_id = @id", new { id }, 1L));
    }

    [Fact]
    public async Task An_agent_offline_while_100_DMs_were_sent_gets_all_100_after_reconnecting_in_order_each_once()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        var agent = await TestAgent.OnboardAsync(Stack, team, connect: false);
        await using var _ = agent;
        var dmId = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        var sent = new List<string>();
        for (var i = 1; i <= 100; i++)
        {
            var text = $"while you were away #{i}";
            await team.Owner.PostMessageAsync(dmId, text);
            sent.Add(text);
        }
        Assert.Equal(100, await Stack.ScalarAsync<long>(
            "select count(*) from agent_outbox where agent_user_id = @id and delivered_at is null", new { id = agent.UserId }));

        await agent.Client.ConnectAsync();
        var got = new List<string>();
        while (got.Count < 100) got.Add((await TestAgent.NextAsync(agent.Inbox, timeout: TimeSpan.FromSeconds(15))).Message!.Text);
        Assert.Equal(sent, got);
        // Each once: a marker sent after them arrives with nothing before it.
        await team.Owner.PostMessageAsync(dmId, "marker");
        Assert.Single(await TestAgent.UntilAsync(agent.Inbox, m => m.Message!.Text == "marker"));
        await WaitDeliveredAsync(agent.UserId);
    }

    [Fact]
    public async Task A_mention_in_a_channel_reaches_the_mentioned_agents_inbox_and_the_agents_reply_reaches_the_thread()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        var root = await team.Owner.PostMessageAsync(team.GeneralId, $"<@{agent.UserId}> what is our p99 target?");
        var mention = await TestAgent.NextAsync(agent.Inbox);
        Assert.Equal("mention", mention.Reason);
        Assert.Contains(agent.UserId, mention.Message!.Mentions);

        await agent.Client.PostAsync(team.GeneralId, "50 ms at 200 messages a second.", parentId: mention.Message.Id);
        var thread = await stream.NextAsync(e => e.Type == "thread.updated");
        Assert.Equal(root.GetProperty("id").GetGuid(), thread.Payload.GetProperty("parentId").GetGuid());
        var replies = await team.Owner.GetOkAsync($"/api/v1/messages/{root.GetProperty("id").GetGuid()}/thread");
        Assert.Contains(replies.GetProperty("replies").EnumerateArray(), r => r.GetProperty("text").GetString() == "50 ms at 200 messages a second.");
    }

    [Fact]
    public async Task The_same_message_id_sent_twice_is_written_once()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        var id = Guid.NewGuid();
        await agent.Client.PostAsync(id, team.GeneralId, "only once");
        await agent.Client.PostAsync(id, team.GeneralId, "only once");
        await agent.Client.PostAsync(team.GeneralId, "a later message");
        // An external broker acknowledges on receipt: once the later message is written, the two copies
        // before it (the bridge takes an agent's messages in order) have been handled.
        const string count = "select count(*) from channel_messages where author_id = @author";
        Assert.Equal(2L, await Stack.EventuallyAsync(count, new { author = agent.UserId }, 2L));
        Assert.Equal(1, await Stack.ScalarAsync<long>(count + " and text = 'only once'", new { author = agent.UserId }));
    }

    /// <summary>Inbox rows are marked delivered once acknowledged (by the agent, or by the broker in external mode).</summary>
    private async Task WaitDeliveredAsync(Guid agentUserId)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await Stack.ScalarAsync<long>("select count(*) from agent_outbox where agent_user_id = @agentUserId and delivered_at is null",
                    new { agentUserId }) == 0) return;
            await Task.Delay(100);
        }
        Assert.Fail("Inbox rows were not marked delivered.");
    }
}

public sealed class AgentFlowOnEmbeddedBrokerTests(EmbeddedBrokerFixture fixture) : AgentFlowTests(fixture), IClassFixture<EmbeddedBrokerFixture>;

public sealed class AgentFlowOnMosquittoTests(MosquittoFixture fixture) : AgentFlowTests(fixture), IClassFixture<MosquittoFixture>;
