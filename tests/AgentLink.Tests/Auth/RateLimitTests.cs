using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Auth;

/// <summary>Limits on signing up, signing in, posting, typing and opening streams; client addresses from trusted proxies only.</summary>
public sealed class RateLimitTests
{
    private static Task<AppStack> StackAsync(BusMode mode, Dictionary<string, string?> limits) => AppStack.StartAsync(mode, limits);

    private static void AssertLimited((HttpStatusCode Status, System.Text.Json.JsonElement Body) answer)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, answer.Status);
        Assert.Equal("rate_limited", answer.Body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Signing_up_posting_typing_and_opening_streams_are_each_limited()
    {
        await using var stack = await StackAsync(BusMode.Redis, new()
        {
            ["AgentLink:RateLimits:SignupsPerHour"] = "2",
            ["AgentLink:RateLimits:MessagesPerMinute"] = "3",
            ["AgentLink:RateLimits:TypingPerMinute"] = "2",
            ["AgentLink:RateLimits:StreamsPerMinute"] = "2",
        });
        var team = await Scenario.TeamAsync(stack);
        await stack.Client().SignUpAsync("Second");
        AssertLimited(await stack.Client().TryAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = ApiClient.UniqueEmail("third"), password = "long enough", name = "Third" }));

        for (var i = 0; i < 3; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"message {i}");
        var posting = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "one too many" });
        AssertLimited(posting);
        Assert.Equal(3, await stack.ScalarAsync<long>("select count(*) from channel_messages where channel_id = @c", new { c = team.GeneralId }));

        for (var i = 0; i < 2; i++) await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/typing");
        AssertLimited(await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/typing"));

        await using var first = await stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await using var second = await stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        var third = await Assert.ThrowsAsync<HttpRequestException>(() => stack.ChannelEventsAsync(team.Owner, team.WorkspaceId));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_limited_per_address_behind_a_trusted_proxy_and_per_account_from_any_address()
    {
        await using var stack = await StackAsync(BusMode.InMemory, new()
        {
            ["AgentLink:Auth:LoginAttemptsPerMinute"] = "3",
            ["AgentLink:RateLimits:LoginAttemptsPerAccountPerMinute"] = "4",
        });
        async Task<HttpStatusCode> Attempt(string email, string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password = "wrong-one" }) };
            request.Headers.Add("X-Forwarded-For", address);
            using var http = new HttpClient { BaseAddress = new Uri(stack.WebUrl) };
            return (await http.SendAsync(request)).StatusCode;
        }

        // Behind a trusted proxy (loopback), each client address has its own bucket.
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Attempt($"a{i}@example.test", "198.51.100.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Attempt("a9@example.test", "198.51.100.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("a9@example.test", "198.51.100.2"));

        // One account, guessed from many addresses, is limited too.
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("target@example.test", $"203.0.113.{i + 1}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Attempt("target@example.test", "203.0.113.99"));
    }

    [Fact]
    public async Task An_untrusted_peer_cannot_choose_its_address_or_scheme()
    {
        await using var stack = await StackAsync(BusMode.InMemory, new() { ["AgentLink:Auth:LoginAttemptsPerMinute"] = "2" });
        // 127.0.0.2 is loopback but not a trusted proxy: its X-Forwarded-* are ignored.
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = new Uri(stack.WebUrl) };
        async Task<HttpResponseMessage> Attempt(string address)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = "u@example.test", password = "wrong-one" }) };
            request.Headers.Add("X-Forwarded-For", address);
            request.Headers.Add("X-Forwarded-Proto", "https");
            return await http.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("198.51.100.7")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("198.51.100.8")).StatusCode);
        // A different forwarded address does not buy a new bucket: the peer's own address counts.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Attempt("198.51.100.9")).StatusCode);

        // And a trusted proxy's X-Forwarded-Proto does make the session cookie Secure (TLS ended at the proxy).
        var viaProxy = stack.Client();
        viaProxy.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var signup = await viaProxy.SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = ApiClient.UniqueEmail("tls"), password = "long enough", name = "Tls" });
        Assert.Contains(signup.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        using var plain = await stack.Client().SendAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = ApiClient.UniqueEmail("plain"), password = "long enough", name = "Plain" });
        Assert.DoesNotContain(plain.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task With_Redis_two_instances_count_in_the_same_window()
    {
        var limits = new Dictionary<string, string?> { ["AgentLink:Auth:LoginAttemptsPerMinute"] = "4" };
        await using var first = await StackAsync(BusMode.Redis, limits);
        await using var second = await StackAsync(BusMode.Redis, new Dictionary<string, string?>(limits)
        {
            ["AgentLink:Bus:ChannelPrefix"] = first.Settings["AgentLink:Bus:ChannelPrefix"],
        });
        var a = first.Client();
        var b = second.Client();
        var login = new { email = "shared@example.test", password = "wrong-one" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login)).Status);
        AssertLimited(await a.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login));
        AssertLimited(await b.TryAsync(HttpMethod.Post, "/api/v1/auth/login", login));
    }
}
