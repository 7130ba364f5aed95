using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentLink.Tests.Audits;

/// <summary>
/// An OpenAI-compatible chat completions endpoint the tests start (no model is reachable from these machines):
/// POST {Url}/chat/completions, answered by <see cref="Answer"/> from the criterion and evidence ids it reads in the
/// prompt. The judge reaches it through the real OpenAI client library over real HTTP; every request is kept.
/// </summary>
public sealed partial class OpenAiCompatibleServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Seen(string? Authorization, JsonObject Body, string Criterion, Guid[] EvidenceIds);

    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>The verdict for a criterion, given the evidence ids in the prompt; or an HTTP status to fail with.</summary>
    public Func<string, Guid[], object> Answer { get; set; } = (criterion, ids) => new { reasoning = $"{criterion} looks fine.", score = 80 };

    public int? FailWith { get; set; }

    /// <summary>The base URL to configure as the judge's endpoint (with /v1, as OpenAI's is).</summary>
    public string Url { get; }

    [GeneratedRegex(@"^Criterion: (.+)$", RegexOptions.Multiline)]
    private static partial Regex CriterionLine();

    [GeneratedRegex(@"^\[([0-9a-f-]{36})\]", RegexOptions.Multiline)]
    private static partial Regex EvidenceId();

    private OpenAiCompatibleServer(WebApplication app)
    {
        _app = app;
        Url = app.Urls.First() + "/v1";
    }

    public static async Task<OpenAiCompatibleServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        OpenAiCompatibleServer? server = null;
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var prompt = string.Join("\n", body["messages"]!.AsArray().Select(m => m!["content"]?.ToString()));
            var criterion = CriterionLine().Match(prompt).Groups[1].Value.Trim();
            var ids = EvidenceId().Matches(prompt).Select(m => Guid.Parse(m.Groups[1].Value)).ToArray();
            server!.Requests.Enqueue(new Seen(http.Request.Headers.Authorization.ToString(), body, criterion, ids));
            if (server.FailWith is { } status)
                return Results.Json(new { error = new { message = "The test server was told to fail.", type = "server_error" } }, statusCode: status);
            // The settings page's check asks for {"ready": true}; everything else is a criterion to judge.
            var content = criterion.Length == 0 && prompt.Contains("\"ready\"")
                ? """{"ready": true}"""
                : JsonSerializer.Serialize(server.Answer(criterion, ids), JsonSerializerOptions.Web);
            return Results.Json(new
            {
                id = $"chatcmpl-{Guid.NewGuid():N}", @object = "chat.completion", created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model = body["model"]?.ToString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
                usage = new { prompt_tokens = prompt.Length / 4, completion_tokens = content.Length / 4, total_tokens = (prompt.Length + content.Length) / 4 },
            });
        });
        app.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var inputs = body["input"] is JsonArray many ? many.Select(i => i!.ToString()).ToArray() : [body["input"]!.ToString()];
            var dimensions = body["dimensions"]?.GetValue<int>() ?? 64;
            server!.Requests.Enqueue(new Seen(http.Request.Headers.Authorization.ToString(), body, "", []));
            var base64 = body["encoding_format"]?.ToString() == "base64";
            return Results.Json(new
            {
                @object = "list", model = body["model"]?.ToString(),
                data = inputs.Select((text, i) =>
                {
                    var vector = BagOfWords(text, dimensions);
                    return new { @object = "embedding", index = i, embedding = base64 ? (object)Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : vector };
                }).ToArray(),
                usage = new { prompt_tokens = inputs.Sum(t => t.Length / 4), total_tokens = inputs.Sum(t => t.Length / 4) },
            });
        });
        await app.StartAsync();
        server = new OpenAiCompatibleServer(app);
        return server;
    }

    /// <summary>
    /// The test server's "embedding": each word hashed into one of the dimensions, normalised to unit length, so texts
    /// that share words are near each other. Deterministic, and nothing like MiniLM's vectors.
    /// </summary>
    public static float[] BagOfWords(string text, int dimensions)
    {
        var vector = new float[dimensions];
        foreach (var word in Regex.Split(text.ToLowerInvariant(), @"\W+").Where(w => w.Length > 2))
        {
            var hash = 2166136261u;
            foreach (var c in word) hash = (hash ^ c) * 16777619u;
            vector[hash % (uint)dimensions] += 1;
        }
        var length = MathF.Sqrt(vector.Sum(v => v * v));
        if (length == 0) vector[0] = 1; else for (var i = 0; i < dimensions; i++) vector[i] /= length;
        return vector;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
