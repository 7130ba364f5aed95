using AgentLink.Client;
using AgentLink.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace AgentLink.Tests.Bridge;

/// <summary>The embedded broker enforces identity and topics: an agent reaches only its own topics and its channels.</summary>
public sealed class BrokerSecurityTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private async Task<MqttClientConnectResult> TryConnectAsync(string username, string password, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Stack.MqttPort).WithProtocolVersion(version)
            .WithClientId(clientId).WithCredentials(username, password).WithTimeout(TimeSpan.FromSeconds(5)).Build();
        // A refused connect is a result, not an exception.
        return await client.ConnectAsync(options);
    }

    [Fact]
    public async Task A_wrong_api_key_an_unknown_user_or_someone_elses_client_id_is_refused_at_connect()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, connect: false);
        var user = agent.UserId.ToString();

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await TryConnectAsync(user, "alk_" + new string('x', 43), user)).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await TryConnectAsync(user, "", user, MqttProtocolVersion.V311)).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await TryConnectAsync(Guid.NewGuid().ToString(), agent.Registration.ApiKey, user)).ResultCode);
        // The right key, but a client id that is not its own (it could take over another agent's session).
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, (await TryConnectAsync(user, agent.Registration.ApiKey, "someone-else")).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, (await TryConnectAsync(user, agent.Registration.ApiKey, user + "x")).ResultCode);
        var other = await TestAgent.OnboardAsync(Stack, team, "other", "Other", connect: false);
        await using var _ = other;
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid,
            (await TryConnectAsync(user, agent.Registration.ApiKey, other.UserId.ToString())).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, (await TryConnectAsync(user, agent.Registration.ApiKey, user + "-sender")).ResultCode);
        Assert.Equal(MqttClientConnectResultCode.Success, (await TryConnectAsync(user, agent.Registration.ApiKey, user)).ResultCode);
    }

    [Fact]
    public async Task An_agent_cannot_subscribe_to_another_agents_inbox_another_workspace_a_channel_it_is_not_in_or_wildcards()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var a = await TestAgent.OnboardAsync(Stack, team, "agent-a", "A");
        await using var b = await TestAgent.OnboardAsync(Stack, team, "agent-b", "B");
        var otherTeam = await Scenario.TeamAsync(Stack, "Zed");
        await using var c = await TestAgent.OnboardAsync(Stack, otherTeam, "agent-c", "C");
        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        var open = await team.Owner.CreateChannelAsync(team.WorkspaceId, "open");
        var root = a.Info.Broker.TopicRoot;

        string[] forbidden =
        [
            b.Me.Topics.Inbox,
            c.Me.Topics.Inbox,
            c.Me.Topics.Channel(otherTeam.GeneralId),
            a.Me.Topics.Channel(secret),
            a.Me.Topics.Channel(open),
            $"{root}/ws/{team.WorkspaceId}/agents/+/inbox",
            $"{root}/#",
            "#",
            $"$share/g/{b.Me.Topics.Inbox}",
            b.Me.Topics.Outbox,
            a.Me.Topics.Outbox,
        ];
        foreach (var topic in forbidden)
        {
            var code = (await a.Client.SubscribeRawAsync(topic)).Single().ResultCode;
            // MQTTnet refuses shared subscriptions before asking us; a refusal either way.
            var expected = topic.StartsWith("$share/") ? MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported : MqttClientSubscribeResultCode.NotAuthorized;
            Assert.True(code == expected, $"{topic}: {code}");
        }
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, (await a.Client.SubscribeRawAsync(a.Me.Topics.Channel(team.GeneralId))).Single().ResultCode);

        // And nothing leaks: B's DM is B's alone.
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = b.UserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dm, "for B only");
        Assert.Equal("for B only", (await TestAgent.NextAsync(b.Inbox)).Message!.Text);
        var dmA = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = a.UserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dmA, "marker for A");
        Assert.Single(await TestAgent.UntilAsync(a.Inbox, m => m.Message!.Text == "marker for A"));
    }

    [Fact]
    public async Task An_agent_cannot_publish_on_another_agents_topics_and_its_attempts_write_nothing()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var a = await TestAgent.OnboardAsync(Stack, team, "agent-a", "A");
        await using var b = await TestAgent.OnboardAsync(Stack, team, "agent-b", "B");
        var post = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = "I am B, honestly" },
        });

        foreach (var topic in new[] { b.Me.Topics.Outbox, b.Me.Topics.Inbox, b.Me.Topics.Status, a.Me.Topics.Inbox, a.Me.Topics.Channel(team.GeneralId) })
        {
            var result = await a.Client.PublishRawAsync(post, topic);
            Assert.True(result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"{topic}: {result.ReasonCode}");
            var error = await TestAgent.NextAsync(a.Errors);
            Assert.Equal("not_authorized", error.Code);
        }
        var dmB = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = b.UserId })).GetProperty("id").GetGuid();
        await team.Owner.PostMessageAsync(dmB, "marker for B");
        Assert.Single(await TestAgent.UntilAsync(b.Inbox, m => m.Message!.Text == "marker for B"));
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from channel_messages where text = 'I am B, honestly'"));
    }

    [Fact]
    public async Task A_removed_agent_is_disconnected_and_cannot_connect_again()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(Stack, team);
        Assert.True(agent.Client.IsConnected);

        await team.Owner.OkAsync(HttpMethod.Delete, $"/api/v1/workspaces/{team.WorkspaceId}/members/{agent.UserId}");
        for (var i = 0; i < 50 && agent.Client.IsConnected; i++) await Task.Delay(100);
        Assert.False(agent.Client.IsConnected);
        var user = agent.UserId.ToString();
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, (await TryConnectAsync(user, agent.Registration.ApiKey, user)).ResultCode);
    }

    [Fact]
    public async Task The_broker_itself_keeps_an_agents_post_from_its_own_connections_whatever_their_client_id()
    {
        var team = await Scenario.TeamAsync(Stack, "Ann");
        await using var author = await TestAgent.OnboardAsync(Stack, team, "author", "Author", connect: false);
        await using var reader = await TestAgent.OnboardAsync(Stack, team, "reader", "Reader");
        var topic = author.Me.Topics.Channel(team.GeneralId);

        // A bare MQTT client (not AgentLinkClient, which would skip its own posts anyway) on a suffixed client id.
        using var raw = new MqttClientFactory().CreateMqttClient();
        var heard = System.Threading.Channels.Channel.CreateUnbounded<string>();
        raw.ApplicationMessageReceivedAsync += e =>
        {
            heard.Writer.TryWrite(System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        var user = author.UserId.ToString();
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Stack.MqttPort)
            .WithClientId(user + "-raw").WithCredentials(user, author.Registration.ApiKey).Build());
        var granted = await raw.SubscribeAsync(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, granted.Items.Single().ResultCode);

        var post = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = Guid.NewGuid(), type = "message.post", data = new { channelId = team.GeneralId, text = "said by the author" },
        });
        var ack = await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(author.Me.Topics.Outbox).WithPayload(post)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        Assert.True(ack.IsSuccess, ack.ReasonString);

        // The other member agent hears it on the channel topic; the author's own connection does not,
        // though it hears the next post on the same topic (the marker).
        Assert.Equal("said by the author", (await TestAgent.NextAsync(reader.ChannelMessages, timeout: TimeSpan.FromSeconds(5))).Message!.Text);
        await team.Owner.PostMessageAsync(team.GeneralId, "marker from a person");
        var seen = await TestAgent.UntilAsync(heard, payload => payload.Contains("marker from a person"));
        Assert.Single(seen);
    }
}
