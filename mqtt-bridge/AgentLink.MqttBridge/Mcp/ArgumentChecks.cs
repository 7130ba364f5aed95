using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// Checks a tool call's arguments against the tool's input schema before the tool runs: a missing required
/// argument, an unknown one, or one of the wrong JSON type is an invalid-params error naming it, like every
/// other bad argument. (Left to the tool's binder these were a generic "error invoking" result.)
/// </summary>
public static class ArgumentChecks
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, ct) =>
        {
            if (context.MatchedPrimitive is McpServerTool tool) Check(tool.ProtocolTool.InputSchema, context.Params?.Arguments);
            return await next(context, ct);
        };

    private static void Check(JsonElement schema, IDictionary<string, JsonElement>? given)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (given is null || !given.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
                    throw McpErrors.Invalid(name, "is required.");
        if (given is null) return;
        foreach (var (name, value) in given)
        {
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out var property))
                throw McpErrors.Invalid(name, "is not an argument of this tool; see its input schema.");
            if (property.TryGetProperty("type", out var type) && !Allows(type, value))
                throw McpErrors.Invalid(name, $"must be {Describe(type)}.");
        }
    }

    private static bool Allows(JsonElement type, JsonElement value) => type.ValueKind switch
    {
        JsonValueKind.String => Matches(type.GetString()!, value),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && Matches(t.GetString()!, value)),
        _ => true,
    };

    private static bool Matches(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble()),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => true,
    };

    private static string Describe(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString() ?? "valid";
}
