using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentLink.Functions.Runtime;

namespace AgentLink.Functions;

/// <summary>
/// `AgentLink.Functions openapi [file]`: writes the OpenAPI document the functions serve at
/// /api/openapi/v1.json, without a database or a running host. The web app's typed client is
/// generated from it (web/app: npm run gen:api).
/// </summary>
public static class OpenApiCommand
{
    /// <summary>The serializer settings the hosts answer with (web defaults: camelCase), so the schemas match the wire.</summary>
    public static JsonSerializerOptions WireOptions { get; } =
        new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    public static async Task<int> RunAsync(string[] args)
    {
        var document = ApiDescription.Build(FunctionCatalog.App, "/api", WireOptions)
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (args is [var path, ..])
        {
            await File.WriteAllTextAsync(path, document);
            await Console.Error.WriteLineAsync($"openapi: wrote {path}");
        }
        else
        {
            await Console.Out.WriteAsync(document);
        }
        return 0;
    }
}
