using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;

namespace AgentLink.Functions.Runtime;

/// <summary>
/// The OpenAPI 3.1 document of the HTTP functions, written from the catalog: routes and methods
/// from the triggers, summaries from the doc comments, bodies and query parameters from
/// [JsonBody]/[Query], answers from the typed results each function returns, security and the
/// gate's own answers (401, 402, 403, 404, 413, 429) from the declared policies. Served by a function,
/// so it is the same under the Functions host and standalone.
/// </summary>
public static partial class ApiDescription
{
    public static JsonObject Build(FunctionCatalog catalog, string pathBase, JsonSerializerOptions json)
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        // Paths, and methods within a path, in a fixed order: the document is the same whatever order reflection
        // finds the functions in (moving a function to another file must not reorder it).
        string[] methodOrder = ["get", "post", "put", "patch", "delete"];
        var operations = catalog.Http
            .SelectMany(f => f.Methods.Select(m => (Path: pathBase + "/" + RouteConstraint().Replace(f.Route, "{$1}"), Method: m.ToLowerInvariant(), Function: f)))
            .OrderBy(o => o.Path, StringComparer.Ordinal)
            .ThenBy(o => Array.IndexOf(methodOrder, o.Method) is var i and >= 0 ? i : methodOrder.Length)
            .ThenBy(o => o.Method, StringComparer.Ordinal);
        foreach (var (path, method, function) in operations)
        {
            if (paths[path] is not JsonObject item) paths[path] = item = new JsonObject();
            item[method] = Operation(function, json, schemas);
        }
        schemas["ProblemDetails"] = Schema(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), json);
        schemas["ValidationProblemDetails"] = Schema(typeof(HttpValidationProblemDetails), json);
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "AgentLink API",
                ["version"] = "v1",
                ["description"] = "Chat, workspaces and channels for humans and AI agents; agent onboarding and broker hooks for the AgentLink MQTT protocol. " +
                                  "Errors are ProblemDetails with a stable `code`.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["session"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "A person's session token (from sign-up or sign-in), or the session cookie." },
                    ["agentKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["description"] = "An agent's API key, alk_..." },
                    ["hookSecret"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = Mqtt.BrokerHookSecret.Header },
                },
            },
        };
    }

    private static JsonObject Operation(HttpFunction function, JsonSerializerOptions json, JsonObject schemas)
    {
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(function.Area),
        };
        if (function.Summary is { } summary) operation["summary"] = summary;

        var parameters = new JsonArray();
        foreach (Match m in RouteConstraint().Matches(function.Route))
            parameters.Add(new JsonObject
            {
                ["name"] = m.Groups[1].Value,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = m.Groups[2].Value == ":guid" ? new JsonObject { ["type"] = "string", ["format"] = "uuid" } : new JsonObject { ["type"] = "string" },
            });
        foreach (var q in function.Query)
            parameters.Add(new JsonObject { ["name"] = q.Name, ["in"] = "query", ["description"] = q.Description, ["schema"] = Schema(q.Type, json) });
        if (parameters.Count > 0) operation["parameters"] = parameters;

        if (function.Body is { } body)
            operation["requestBody"] = new JsonObject
            {
                ["required"] = body.Required,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Named(body.Type, json, schemas, OptionalNullables) } },
            };

        var responses = new JsonObject();
        foreach (var (status, type) in Answers(function.Method.ReturnType))
        {
            if (responses.ContainsKey(status)) continue;
            var response = new JsonObject { ["description"] = Describe(status) };
            var (mediaType, schema) = type switch
            {
                null => (null, null),
                _ when type == typeof(HttpValidationProblemDetails) => ("application/problem+json", Ref("ValidationProblemDetails")),
                _ when type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) => ("application/problem+json", Ref("ProblemDetails")),
                _ => ("application/json", Named(type, Written(json), schemas)),
            };
            if (mediaType is not null) response["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } };
            responses[status] = response;
        }
        void Gate(string status)
        {
            if (!responses.ContainsKey(status))
                responses[status] = new JsonObject
                {
                    ["description"] = Describe(status),
                    ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref("ProblemDetails") } },
                };
        }
        var policy = function.Policy;
        if (policy.Caller is Caller.Person or Caller.Agent or Caller.Broker) Gate("401");
        if (policy.WorkspaceRole is not null) { Gate("403"); Gate("404"); }
        if (function.Body is not null) { Gate("400"); Gate("413"); }
        if (policy.RateLimit is not null) Gate("429");
        if (policy.Licensed is not null) Gate("402");
        operation["responses"] = responses;

        operation["security"] = policy.Caller switch
        {
            Caller.Person => new JsonArray(new JsonObject { ["session"] = new JsonArray() }),
            Caller.Agent => new JsonArray(new JsonObject { ["agentKey"] = new JsonArray() }),
            Caller.Broker => new JsonArray(new JsonObject { ["hookSecret"] = new JsonArray() }),
            _ => new JsonArray(),
        };
        return operation;
    }

    /// <summary>(status, body type) for each typed result the method may return.</summary>
    private static IEnumerable<(string Status, Type? Body)> Answers(Type returnType)
    {
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() is var d && (d == typeof(Task<>) || d == typeof(ValueTask<>)))
            returnType = returnType.GetGenericArguments()[0];
        var results = returnType.IsGenericType && returnType.Name.StartsWith("Results`", StringComparison.Ordinal)
            ? returnType.GetGenericArguments()
            : [returnType];
        foreach (var r in results)
        {
            var name = r.IsGenericType ? r.Name[..r.Name.IndexOf('`')] : r.Name;
            var arg = r.IsGenericType ? r.GetGenericArguments()[0] : null;
            yield return name switch
            {
                "Ok" => ("200", arg),
                "Created" => ("201", arg),
                "Accepted" => ("202", arg),
                "NoContent" => ("204", null),
                "ValidationProblem" => ("400", typeof(HttpValidationProblemDetails)),
                "ProblemHttpResult" => ("4XX", typeof(Microsoft.AspNetCore.Mvc.ProblemDetails)),
                _ => ("default", null),
            };
        }
    }

    private static string Describe(string status) => status switch
    {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No content",
        "400" => "Invalid input (validation_failed, invalid_json, invalid_request)",
        "401" => "No or invalid credentials",
        "402" => "The workspace is paused: trial over and no active subscription (license_paused, with billingUrl)",
        "403" => "The caller's role is too low (role_too_low)",
        "404" => "Not found, or not visible to the caller",
        "413" => "The body is too large (payload_too_large)",
        "429" => "Too many requests (rate_limited)",
        "4XX" => "A problem with a stable code",
        _ => "Answer",
    };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> WrittenOptions = new();

    /// <summary>
    /// The options for answers: requests may carry numbers as strings (web defaults read them), but
    /// answers always write numbers, so their schemas say "integer", not "string or integer".
    /// </summary>
    private static JsonSerializerOptions Written(JsonSerializerOptions json) =>
        WrittenOptions.GetValue(json, o => new JsonSerializerOptions(o) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict });

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>Plain classes and records go to components under a readable name; collections and primitives stay inline.</summary>
    private static JsonNode Named(Type type, JsonSerializerOptions json, JsonObject schemas, Func<JsonNode, JsonNode>? adjust = null)
    {
        adjust ??= static n => n;
        if (type.IsPrimitive || type == typeof(string) || type.IsGenericType || type.IsArray) return adjust(Schema(type, json));
        var name = type.DeclaringType is { } outer ? outer.Name + type.Name : type.Name;
        if (!schemas.ContainsKey(name)) schemas[name] = adjust(Schema(type, json));
        return Ref(name);
    }

    /// <summary>
    /// A request's nullable members may be left out: the deserializer does not require constructor
    /// parameters, a missing one is null, and the function validates what it needs (with a 400 that
    /// names the field). The exporter lists them as required; in a request body they are not.
    /// </summary>
    private static JsonNode OptionalNullables(JsonNode schema)
    {
        if (schema is JsonObject { } obj && obj["properties"] is JsonObject properties && obj["required"] is JsonArray required)
        {
            var keep = required.Select(r => r!.GetValue<string>())
                .Where(name => !(properties[name]?["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null")))
                .ToList();
            if (keep.Count == 0) obj.Remove("required");
            else obj["required"] = new JsonArray(keep.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
        }
        return schema;
    }

    /// <summary>
    /// The exporter writes a type met twice in one schema as a "$ref" pointing inside that schema
    /// ("#/properties/root/properties/author"); once the schema sits under components or a path,
    /// such a pointer resolves to nothing. They are inlined here, so every "$ref" in the document
    /// points at a component.
    /// </summary>
    private static JsonNode Schema(Type type, JsonSerializerOptions json)
    {
        var schema = json.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        return InlineLocalRefs(schema, schema, depth: 0);
    }

    private static JsonNode InlineLocalRefs(JsonNode node, JsonNode root, int depth)
    {
        if (depth > 32) throw new InvalidOperationException("A recursive type cannot be described inline; give it a component.");
        switch (node)
        {
            case JsonObject obj when obj["$ref"] is JsonValue r && r.GetValue<string>() is ['#', ..] pointer && !pointer.StartsWith("#/components/", StringComparison.Ordinal):
                return InlineLocalRefs(Resolve(root, pointer).DeepClone(), root, depth + 1);
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                    if (child is not null && InlineLocalRefs(child, root, depth) is var inlined && !ReferenceEquals(inlined, child))
                        obj[key] = inlined;
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is { } item && InlineLocalRefs(item, root, depth) is var inlined && !ReferenceEquals(inlined, item))
                        array[i] = inlined;
                return array;
            default:
                return node;
        }
    }

    private static JsonNode Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var raw in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/").Replace("~0", "~");
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a => a[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)],
                _ => null,
            } ?? throw new InvalidOperationException($"The schema's reference {pointer} points at nothing.");
        }
        return node;
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteConstraint();
}
