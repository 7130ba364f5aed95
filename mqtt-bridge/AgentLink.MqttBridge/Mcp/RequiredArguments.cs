using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>
/// A tool call missing an argument its schema requires is an invalid-params error naming it, like
/// every other bad argument (left to the tool's binder it would be a generic "error invoking" result).
/// </summary>
public static class RequiredArguments
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, ct) =>
        {
            if (context.MatchedPrimitive is McpServerTool tool
                && tool.ProtocolTool.InputSchema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                var given = context.Params?.Arguments;
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                    if (given is null || !given.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
                        throw McpErrors.Invalid(name, "is required.");
            }
            return await next(context, ct);
        };
}
