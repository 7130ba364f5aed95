using AgentLink.Core.Http;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>The agent's assigned skills as MCP prompts: the name is the skill's, the prompt its SKILL.md.</summary>
public static class McpPrompts
{
    public static async ValueTask<ListPromptsResult> ListAsync(RequestContext<ListPromptsRequestParams> context, CancellationToken ct)
    {
        var skills = await context.Services!.GetRequiredService<McpSkills>().ListAsync(McpAgentAuthentication.Agent(context.User!), null, ct);
        return new ListPromptsResult
        {
            Prompts = skills.Select(s => new Prompt { Name = s.Name, Title = $"{s.Name} (v{s.Version})", Description = s.Description }).ToList(),
        };
    }

    public static async ValueTask<GetPromptResult> GetAsync(RequestContext<GetPromptRequestParams> context, CancellationToken ct)
    {
        var name = context.Params?.Name ?? "";
        var skill = (await context.Services!.GetRequiredService<McpSkills>().ListAsync(McpAgentAuthentication.Agent(context.User!), name, ct)).FirstOrDefault();
        if (skill is null) throw McpErrors.Refused(ErrorCodes.SkillNotFound, $"No skill '{name}' is assigned to you; see prompts/list.");
        return new GetPromptResult
        {
            Description = skill.Description,
            Messages = [new PromptMessage { Role = Role.User, Content = new TextContentBlock { Text = skill.Content } }],
        };
    }
}
