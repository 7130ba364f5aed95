using System.Globalization;
using System.Text.Json;
using AgentLink.Core.Text;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// Reading a function's input from its request, the same way in both runtimes. Bad input
/// throws <see cref="BadHttpRequestException"/>, which <see cref="FunctionGate"/> answers with a
/// 400 (invalid_json, invalid_request), 413 (payload_too_large) or 415 (unsupported_media_type).
/// </summary>
public static class RequestBody
{
    private static readonly object LimitKey = new();

    internal static void SetLimit(HttpContext http, long bytes) => http.Items[LimitKey] = bytes;

    /// <summary>The JSON body as <typeparamref name="T"/>; a missing body is a 400.</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request) where T : class =>
        await request.ReadJsonOrDefaultAsync<T>()
        ?? throw new BadHttpRequestException("A JSON body is required: no body was provided.");

    /// <summary>The JSON body as <typeparamref name="T"/>, or null when the request has none.</summary>
    public static async Task<T?> ReadJsonOrDefaultAsync<T>(this HttpRequest request) where T : class
    {
        if (request.ContentLength == 0 || request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")) return null;
        if (!request.HasJsonContentType())
            throw new BadHttpRequestException("Send application/json.", StatusCodes.Status415UnsupportedMediaType);

        var limit = request.HttpContext.Items[LimitKey] as long? ?? long.MaxValue;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return null;
        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        string? nul;
        try { nul = TextRules.FindNul(json); }
        catch (JsonException error) { throw new BadHttpRequestException("The body is not valid JSON.", StatusCodes.Status400BadRequest, error); }
        if (nul is not null) throw new InvalidTextException(nul.Length == 0 ? "body" : nul);

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(json, options);
        }
        catch (JsonException error)
        {
            throw new BadHttpRequestException("The body is not valid JSON.", StatusCodes.Status400BadRequest, error);
        }
    }
}

/// <summary>Typed query-string values; a value of the wrong format is a 400 invalid_request.</summary>
public static class RequestQuery
{
    public static string? QueryString(this HttpRequest request, string name)
    {
        var value = request.Query.TryGetValue(name, out var values) ? values.ToString() : null;
        return TextRules.HasNul(value) ? throw new InvalidTextException(name) : value;
    }

    public static int? QueryInt(this HttpRequest request, string name) =>
        Parse(request, name, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v));

    public static long? QueryLong(this HttpRequest request, string name) =>
        Parse(request, name, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v));

    private delegate bool TryParser<T>(string text, out T value);

    private static T? Parse<T>(HttpRequest request, string name, TryParser<T> parse) where T : struct
    {
        var raw = request.QueryString(name);
        if (string.IsNullOrEmpty(raw)) return null;
        return parse(raw, out var value) ? value : throw new BadHttpRequestException($"Failed to bind parameter \"{name}\" from \"{raw}\".");
    }
}

/// <summary>Text the database cannot store (a NUL character) in the named field, query or route value; answered 400 invalid_text.</summary>
public sealed class InvalidTextException(string field) : Exception($"{field} contains a NUL character.")
{
    public string Field { get; } = field;
}
