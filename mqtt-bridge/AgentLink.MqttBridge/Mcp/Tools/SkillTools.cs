using System.ComponentModel;
using System.Security.Claims;
using ModelContextProtocol.Server;

namespace AgentLink.MqttBridge.Mcp.Tools;

[McpServerToolType]
public sealed class SkillTools(McpSkills skills)
{
    [McpServerTool(Name = "list_skills", ReadOnly = true),
     Description("The skills assigned to you: markdown instructions (SKILL.md) to follow. Each is also an MCP prompt of the same name.")]
    public Task<IReadOnlyList<McpSkills.Skill>> ListSkills(ClaimsPrincipal user, CancellationToken ct) =>
        skills.ListAsync(McpAgentAuthentication.Agent(user), null, ct);
}
