using System.Text.Json.Nodes;
using AgentLink.Core.Hosting;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Platform;

public sealed class GetApiDescription(FunctionCatalog catalog, HostJson hostJson, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private static JsonObject? _document;

    /// <summary>This API's OpenAPI 3.1 document, written from the functions themselves.</summary>
    [Function(nameof(GetApiDescription))]
    [Caller(Caller.Anyone)]
    public ContentHttpResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest req)
    {
        _document ??= ApiDescription.Build(catalog, hostJson.PathBase, json.Value.SerializerOptions);
        return TypedResults.Text(_document.ToJsonString(), "application/json");
    }
}
