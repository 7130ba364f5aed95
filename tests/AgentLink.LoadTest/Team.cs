using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentLink.Client;

namespace AgentLink.LoadTest;

/// <summary>Sets up a fresh workspace: an owner who posts and N members who listen.</summary>
public sealed class Team
{
    public required HttpClient Owner { get; init; }
    public required Guid WorkspaceId { get; init; }
    public required Guid ChannelId { get; init; }
    public required List<string> ListenerTokens { get; init; }

    public static async Task<Team> CreateAsync(Uri url, int listeners)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var owner = Client(url, await SignUpAsync(url, $"owner-{run}"));
        var workspace = await Json(await owner.PostAsJsonAsync("/api/v1/workspaces", new { name = $"load {run}" }));
        var workspaceId = workspace.GetProperty("id").GetGuid();
        var channels = await Json(await owner.GetAsync($"/api/v1/workspaces/{workspaceId}/channels"));
        var channelId = channels[0].GetProperty("id").GetGuid();
        var invite = await Json(await owner.PostAsJsonAsync($"/api/v1/workspaces/{workspaceId}/invites", new { role = "member" }));
        var token = invite.GetProperty("token").GetString();

        var tokens = new List<string>();
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, listeners).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var session = await SignUpAsync(url, $"listener-{run}-{i}");
                var member = Client(url, session);
                (await member.PostAsync($"/api/v1/invites/{token}/accept", null)).EnsureSuccessStatusCode();
                lock (tokens) tokens.Add(session);
            }
            finally { gate.Release(); }
        }));
        return new Team { Owner = owner, WorkspaceId = workspaceId, ChannelId = channelId, ListenerTokens = tokens };
    }

    /// <summary>
    /// Agents onboarded as real ones: one registration (as one deployment of many agents would do it), claimed by
    /// the owner, with these agent ids connected, 20 a call. Returns its key and what each connect call answered.
    /// </summary>
    public async Task<(string ApiKey, IReadOnlyList<ConnectInfo> Connected)> OnboardAgentsAsync(Uri url, string registrationName, IReadOnlyList<(string Id, string Name)> agents)
    {
        var onboarding = new AgentLinkOnboarding(url.ToString());
        var registration = await onboarding.RegisterAsync(registrationName, "load-test");
        (await Owner.PostAsJsonAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = WorkspaceId })).EnsureSuccessStatusCode();
        var connected = new List<ConnectInfo>();
        foreach (var chunk in agents.Chunk(20)) connected.Add(await onboarding.ConnectAsync(registration.ApiKey, chunk));
        return (registration.ApiKey, connected);
    }

    private static async Task<string> SignUpAsync(Uri url, string name)
    {
        using var anonymous = new HttpClient { BaseAddress = url };
        var session = await Json(await anonymous.PostAsJsonAsync("/api/v1/auth/signup",
            new { email = $"{name}@load.test", password = "load-test-password", name }));
        return session.GetProperty("token").GetString()!;
    }

    public static HttpClient Client(Uri url, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} -> {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
