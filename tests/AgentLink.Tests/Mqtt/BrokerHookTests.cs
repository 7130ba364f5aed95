using System.Net;
using System.Text.Json;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Mqtt;

/// <summary>The auth and ACL hooks an external broker (EMQX, mosquitto-go-auth) calls over HTTP.</summary>
public sealed class BrokerHookTests : IAsyncLifetime
{
    private const string Secret = "hook-secret-for-tests";
    private const string BridgePassword = "bridge-password-for-tests";
    private AppStack _stack = null!;

    public async Task InitializeAsync() => _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
    {
        ["AgentLink:Mqtt:HookSecret"] = Secret,
        ["AgentLink:Mqtt:BridgeUsername"] = "agentlink-bridge",
        ["AgentLink:Mqtt:BridgePassword"] = BridgePassword,
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    /// <summary>A broker calling the functions host directly (the web origin never forwards the hooks).</summary>
    private ApiClient Broker(string? secret = Secret)
    {
        var client = new ApiClient(new HttpClient { BaseAddress = new Uri(_stack.FunctionsUrl) });
        if (secret is not null) client.Http.DefaultRequestHeaders.Add("X-AgentLink-Hook-Secret", secret);
        return client;
    }

    private static void AssertResult(JsonElement body, string expected)
    {
        Assert.Equal(expected, body.GetProperty("result").GetString());
        Assert.Equal(expected == "allow", body.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Auth_allows_an_agent_with_its_key_and_own_client_id_and_denies_everything_else()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(_stack, team, connect: false);
        var user = agent.UserId.ToString();
        var key = agent.Registration.ApiKey;
        var broker = Broker();

        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = user, username = user, password = key }), "allow");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = user + "-listener", username = user, password = key }), "allow");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = user, username = user, password = "alk_wrong" + new string('x', 30) }), "deny");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = "someone", username = user, password = key }), "deny");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = "b", username = "agentlink-bridge", password = "nope" }), "deny");
        var bridge = await broker.PostOkAsync("/api/v1/mqtt/auth", new { clientId = "b", username = "agentlink-bridge", password = BridgePassword });
        AssertResult(bridge, "allow");
        Assert.True(bridge.GetProperty("is_superuser").GetBoolean());
    }

    [Fact]
    public async Task Acl_follows_the_same_rules_as_the_embedded_broker()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        await using var a = await TestAgent.OnboardAsync(_stack, team, "a", "A", connect: false);
        await using var b = await TestAgent.OnboardAsync(_stack, team, "b", "B", connect: false);
        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        var user = a.UserId.ToString();
        var broker = Broker();
        async Task Check(string topic, string action, string expected) =>
            AssertResult(await broker.PostOkAsync("/api/v1/mqtt/acl", new { clientId = user, username = user, topic, action }), expected);

        await Check(a.Me.Topics.Inbox, "subscribe", "allow");
        await Check(a.Me.Topics.Outbox, "publish", "allow");
        await Check(a.Me.Topics.Status, "publish", "allow");
        await Check(a.Me.Topics.Channel(team.GeneralId), "subscribe", "allow");
        await Check(a.Me.Topics.Inbox, "publish", "deny");
        await Check(b.Me.Topics.Inbox, "subscribe", "deny");
        await Check(b.Me.Topics.Outbox, "publish", "deny");
        await Check(a.Me.Topics.Channel(secret), "subscribe", "deny");
        await Check($"{a.Info.Broker.TopicRoot}/#", "subscribe", "deny");
        // mosquitto-go-auth's numeric access: 1 read, 2 write, 4 subscribe.
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/acl", new { clientId = user, username = user, topic = a.Me.Topics.Outbox, acc = 2 }), "allow");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/acl", new { clientId = user, username = user, topic = b.Me.Topics.Inbox, acc = 1 }), "deny");
        AssertResult(await broker.PostOkAsync("/api/v1/mqtt/acl", new { username = "agentlink-bridge", topic = a.Me.Topics.Outbox, action = "subscribe" }), "allow");
    }

    [Fact]
    public async Task The_web_origin_never_forwards_the_hooks()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        await using var agent = await TestAgent.OnboardAsync(_stack, team, connect: false);
        var user = agent.UserId.ToString();
        // Even with the right secret, through the public origin the hooks do not exist.
        var viaWeb = _stack.Client();
        viaWeb.Http.DefaultRequestHeaders.Add("X-AgentLink-Hook-Secret", Secret);
        var (status, problem) = await viaWeb.TryAsync(HttpMethod.Post, "/api/v1/mqtt/auth", new { clientId = user, username = user, password = agent.Registration.ApiKey });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        // Positive control: the same question, asked of the functions host, is answered.
        AssertResult(await Broker().PostOkAsync("/api/v1/mqtt/auth", new { clientId = user, username = user, password = agent.Registration.ApiKey }), "allow");
    }

    [Fact]
    public async Task Without_a_configured_secret_the_hooks_answer_nobody_and_an_external_broker_host_will_not_start()
    {
        await using var open = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?> { ["AgentLink:Mqtt:HookSecret"] = "" });
        var anonymous = new ApiClient(new HttpClient { BaseAddress = new Uri(open.FunctionsUrl) });
        var (status, problem) = await anonymous.TryAsync(HttpMethod.Post, "/api/v1/mqtt/auth", new { clientId = "x", username = "x", password = "alk_guess" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("hooks_disabled", problem.GetProperty("code").GetString());

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
        {
            ["AgentLink:Mqtt:Broker"] = "External",
            ["AgentLink:Mqtt:HookSecret"] = "",
        }));
        Assert.Contains("AgentLink:Mqtt:HookSecret", refused.ToString());
    }

    [Fact]
    public async Task The_hooks_require_the_configured_secret_and_a_well_formed_request()
    {
        var (status, problem) = await Broker(secret: null).TryAsync(HttpMethod.Post, "/api/v1/mqtt/auth", new { clientId = "x", username = "x", password = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_hook_secret", problem.GetProperty("code").GetString());
        (status, problem) = await Broker("wrong").TryAsync(HttpMethod.Post, "/api/v1/mqtt/acl", new { username = "x", topic = "t", action = "publish" });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        (status, problem) = await Broker().TryAsync(HttpMethod.Post, "/api/v1/mqtt/acl", new { username = "x", topic = "t", action = "delete" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
    }
}
