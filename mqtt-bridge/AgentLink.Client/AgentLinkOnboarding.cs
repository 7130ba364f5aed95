using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentLink.Client;

/// <summary>The HTTP half of the protocol: register, wait to be claimed, connect agent ids.</summary>
public sealed class AgentLinkOnboarding(HttpClient http)
{
    /// <param name="baseUrl">The AgentLink web origin, for example http://localhost:8080.</param>
    public AgentLinkOnboarding(string baseUrl) : this(new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") })
    {
    }

    public async Task<Registration> RegisterAsync(string agentName, string? frameworkType = null, CancellationToken ct = default)
    {
        using var response = await http.PostAsJsonAsync("api/v1/agents/register", new { agentName, frameworkType }, Json.Options, ct);
        return await ReadAsync<Registration>(response, ct);
    }

    public async Task<RegistrationStatus> StatusAsync(string apiKey, CancellationToken ct = default)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, "api/v1/agents/me", apiKey), ct);
        return await ReadAsync<RegistrationStatus>(response, ct);
    }

    /// <summary>Polls until a person claims this agent (or the claim window closes).</summary>
    public async Task<RegistrationStatus> WaitForClaimAsync(string apiKey, TimeSpan poll, CancellationToken ct = default)
    {
        while (true)
        {
            var status = await StatusAsync(apiKey, ct);
            if (status.Status != "pending") return status;
            await Task.Delay(poll, ct);
        }
    }

    /// <summary>Claims this agent into a workspace with an invite token a person gave it.</summary>
    public async Task<RegistrationStatus> ClaimWithInviteAsync(string apiKey, string inviteToken, CancellationToken ct = default)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Post, "api/v1/agents/claim", apiKey, new { inviteToken }), ct);
        return await ReadAsync<RegistrationStatus>(response, ct);
    }

    public async Task<ConnectInfo> ConnectAsync(string apiKey, IEnumerable<(string AgentId, string HumanName)> agents, CancellationToken ct = default)
    {
        var body = new { agents = agents.Select(a => new { agentId = a.AgentId, humanName = a.HumanName }) };
        using var response = await http.SendAsync(Request(HttpMethod.Post, "api/v1/agents/connect", apiKey, body), ct);
        return await ReadAsync<ConnectInfo>(response, ct);
    }

    /// <summary>
    /// Updates a task assigned to this agent: its status (in_progress, pending_review when blocked,
    /// done), its result (markdown) and/or a comment. Refused (not_assignee) for anyone else's task.
    /// </summary>
    public async Task<AgentTask> UpdateTaskAsync(string apiKey, string agentId, Guid taskId, string? status = null, string? result = null,
        string? comment = null, CancellationToken ct = default)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Patch, $"api/v1/agents/{Uri.EscapeDataString(agentId)}/tasks/{taskId}", apiKey,
            new { status, result, comment }), ct);
        return await ReadAsync<AgentTask>(response, ct);
    }

    /// <summary>
    /// Uploads a file for a channel the agent is in: asks for an upload URL, PUTs the bytes straight to
    /// Blob Storage, and confirms (the platform checks the size and sniffs the type from the bytes).
    /// Post it with <see cref="AgentLinkClient.PostAsync(Guid, Guid, string, Guid?, IReadOnlyCollection{Guid}?, CancellationToken)"/>.
    /// </summary>
    public async Task<Attachment> UploadAttachmentAsync(string apiKey, string agentId, Guid channelId, string name, string contentType, byte[] bytes,
        CancellationToken ct = default)
    {
        var path = $"api/v1/agents/{Uri.EscapeDataString(agentId)}/attachments";
        using var started = await http.SendAsync(Request(HttpMethod.Post, path, apiKey, new { channelId, name, size = bytes.LongLength, contentType }), ct);
        var ticket = await ReadAsync<UploadTicket>(started, ct);
        using (var put = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent(bytes) })
        {
            foreach (var (header, value) in ticket.Headers) put.Headers.TryAddWithoutValidation(header, value);
            put.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            using var stored = await http.SendAsync(put, ct);
            if (!stored.IsSuccessStatusCode)
                throw new AgentLinkException("upload_failed", $"Blob Storage refused the upload: {(int)stored.StatusCode} {await stored.Content.ReadAsStringAsync(ct)}");
        }
        using var confirmed = await http.SendAsync(Request(HttpMethod.Post, $"{path}/{ticket.Attachment.Id}/confirm", apiKey), ct);
        return await ReadAsync<Attachment>(confirmed, ct);
    }

    private sealed record UploadTicket(Attachment Attachment, string UploadUrl, Dictionary<string, string> Headers);

    private static HttpRequestMessage Request(HttpMethod method, string path, string apiKey, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json.Options);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            string? code = null, detail = null;
            try
            {
                using var doc = JsonDocument.Parse(text);
                code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                detail = doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            }
            catch (JsonException)
            {
            }
            throw new AgentLinkException(code ?? "http_" + (int)response.StatusCode, detail ?? text);
        }
        return JsonSerializer.Deserialize<T>(text, Json.Options)!;
    }
}

/// <summary>The platform said no; Code is the stable error code.</summary>
public sealed class AgentLinkException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
