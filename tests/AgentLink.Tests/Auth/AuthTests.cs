using System.Net;
using AgentLink.Core.Options;
using AgentLink.Functions;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentLink.Tests.Auth;

public sealed class AuthTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Sign_up_sets_an_HttpOnly_session_cookie_and_the_same_token_works_as_a_bearer()
    {
        var anonymous = Stack.Client();
        using var response = await anonymous.SendAsync(HttpMethod.Post, "/api/v1/auth/signup",
            new { email = ApiClient.UniqueEmail("cookie"), password = "long enough", name = "Cookie" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("agentlink_session=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        var token = cookie.Split(';')[0]["agentlink_session=".Length..];
        var byCookie = new HttpClient { BaseAddress = new Uri(Stack.WebUrl) };
        byCookie.DefaultRequestHeaders.Add("Cookie", $"agentlink_session={token}");
        Assert.Equal(HttpStatusCode.OK, (await byCookie.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Passwords_are_stored_hashed()
    {
        var user = await Stack.Client().SignUpAsync("Hashed", "plain text secret");
        var hash = await TestEnvironment.ScalarAsync<string>("select password_hash from users where id = @id", new { id = user.UserId });
        Assert.DoesNotContain("plain text secret", hash);
        Assert.True(hash.Length > 40);
    }

    [Fact]
    public async Task Login_then_logout_revokes_the_session_everywhere()
    {
        var user = await Stack.Client().SignUpAsync("Lou", "lou's password");
        var again = Stack.Client();
        again.Use(await again.PostOkAsync("/api/v1/auth/login", new { email = user.Email.ToUpperInvariant(), password = "lou's password" }));
        Assert.Equal(user.UserId, (await again.GetOkAsync("/api/v1/me")).GetProperty("id").GetGuid());

        Assert.Equal(HttpStatusCode.NoContent, (await again.TryAsync(HttpMethod.Post, "/api/v1/auth/logout")).Status);
        var (status, body) = await again.TryAsync(HttpMethod.Get, "/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthenticated", body.GetProperty("code").GetString());
        // The first session is untouched.
        Assert.Equal(HttpStatusCode.OK, (await user.TryAsync(HttpMethod.Get, "/api/v1/me")).Status);
    }

    [Fact]
    public async Task A_forged_or_garbage_token_is_401()
    {
        var forged = Stack.Client();
        forged.Http.DefaultRequestHeaders.Authorization = new("Bearer", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.TryAsync(HttpMethod.Get, "/api/v1/me")).Status);
        forged.Http.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.TryAsync(HttpMethod.Get, "/api/v1/workspaces")).Status);
    }

    [Fact]
    public async Task Signing_up_twice_with_one_email_is_409()
    {
        var user = await Stack.Client().SignUpAsync("Twice");
        var (status, body) = await Stack.Client().TryAsync(HttpMethod.Post, "/api/v1/auth/signup", new { email = user.Email, password = "another one", name = "Twice" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("email_taken", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_client()
    {
        await using var stack = await AppStack.StartAsync(BusMode.InMemory, new Dictionary<string, string?> { ["AgentLink:Auth:LoginAttemptsPerMinute"] = "3" });
        var client = stack.Client();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.TryAsync(HttpMethod.Post, "/api/v1/auth/login", new { email = "x@example.test", password = "wrong-one" })).Status);
        var (status, body) = await client.TryAsync(HttpMethod.Post, "/api/v1/auth/login", new { email = "x@example.test", password = "wrong-one" });
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("rate_limited", body.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public void In_production_the_hosts_refuse_to_start_without_a_32_character_secret(string? secret)
    {
        var builder = AppStack.Create(new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = TestEnvironment.Database,
            ["AgentLink:Auth:SigningSecret"] = secret,
        });
        builder.AddAgentLinkFunctions();
        using var app = builder.Build();
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<AuthOptions>>().Value);
        Assert.Contains("AgentLink:Auth:SigningSecret", error.Message);
    }

    [Fact]
    public void Outside_production_a_development_secret_is_used_so_a_fresh_checkout_runs()
    {
        var builder = AppStack.Create(new Dictionary<string, string?> { ["AgentLink:Database:ConnectionString"] = TestEnvironment.Database }, "Development");
        builder.AddAgentLinkFunctions();
        using var app = builder.Build();
        Assert.True(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.SigningSecret.Length >= 32);
    }
}
