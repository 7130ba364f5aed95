using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AgentLink.Tests.Infrastructure;

/// <summary>A signed-in (or anonymous) API caller, talking to the web origin like a browser's fetch would.</summary>
public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public string Token { get; private set; } = "";

    public Guid UserId { get; private set; }

    public string Name { get; private set; } = "";

    public string Email { get; private set; } = "";

    public static string UniqueEmail(string name) =>
        $"{System.Text.RegularExpressions.Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-')}-{Guid.NewGuid():N}@example.test";

    public async Task<ApiClient> SignUpAsync(string name, string password = "correct horse battery")
    {
        Email = UniqueEmail(name);
        var json = await PostOkAsync("/api/v1/auth/signup", new { email = Email, password, name });
        Use(json);
        return this;
    }

    public void Use(JsonElement session)
    {
        Token = session.GetProperty("token").GetString()!;
        UserId = session.GetProperty("user").GetProperty("id").GetGuid();
        Name = session.GetProperty("user").GetProperty("name").GetString()!;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> OkAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{method} {path} -> {(int)response.StatusCode}: {text}", null, response.StatusCode);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> GetOkAsync(string path) => OkAsync(HttpMethod.Get, path);

    public Task<JsonElement> PostOkAsync(string path, object? body = null) => OkAsync(HttpMethod.Post, path, body);

    /// <summary>Sends and returns the status with the ProblemDetails (or other JSON) body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TryAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json);
    }

    // Domain shortcuts used across tests.

    public async Task<Guid> CreateWorkspaceAsync(string name = "Acme") =>
        (await PostOkAsync("/api/v1/workspaces", new { name })).GetProperty("id").GetGuid();

    public async Task<Guid> ChannelIdAsync(Guid workspaceId, string name)
    {
        var channels = await GetOkAsync($"/api/v1/workspaces/{workspaceId}/channels");
        return channels.EnumerateArray().First(c => c.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
    }

    public async Task<string> InviteAsync(Guid workspaceId, string role = "member") =>
        (await PostOkAsync($"/api/v1/workspaces/{workspaceId}/invites", new { role })).GetProperty("token").GetString()!;

    public async Task<Guid> CreateChannelAsync(Guid workspaceId, string name, bool isPrivate = false) =>
        (await PostOkAsync($"/api/v1/workspaces/{workspaceId}/channels", new { name, isPrivate })).GetProperty("id").GetGuid();

    public async Task<JsonElement> PostMessageAsync(Guid channelId, string text, Guid? parentId = null) =>
        await PostOkAsync($"/api/v1/channels/{channelId}/messages", new { text, parentId });
}

/// <summary>Common set-ups: an owner with a workspace, and members who joined it by invite.</summary>
public static class Scenario
{
    public sealed record Team(ApiClient Owner, Guid WorkspaceId, Guid GeneralId);

    public static async Task<Team> TeamAsync(AppStack stack, string ownerName = "Owner")
    {
        var owner = await stack.Client().SignUpAsync(ownerName);
        var workspaceId = await owner.CreateWorkspaceAsync($"{ownerName}'s team");
        return new Team(owner, workspaceId, await owner.ChannelIdAsync(workspaceId, "general"));
    }

    public static async Task<ApiClient> JoinAsync(AppStack stack, Team team, string name, string role = "member")
    {
        var member = await stack.Client().SignUpAsync(name);
        var token = await team.Owner.InviteAsync(team.WorkspaceId, role);
        await member.PostOkAsync($"/api/v1/invites/{token}/accept");
        return member;
    }
}
