using AgentLink.Core.Agents;
using AgentLink.Core.Data;
using Dapper;
using Npgsql;

namespace AgentLink.MqttBridge.Mcp;

/// <summary>The skills assigned to an agent, with the SKILL.md of the version it was sent: a tool's answer and the agent's MCP prompts.</summary>
public sealed class McpSkills(NpgsqlDataSource dataSource)
{
    public sealed record Skill(Guid SkillId, string Name, int Version, string Description, string Status, string Content);

    private const string Sql = """
        select a.skill_id, s.slug as name, a.version, v.description, a.status, v.content
        from skill_assignments a
        join skills s on s.id = a.skill_id
        join skill_versions v on v.skill_id = a.skill_id and v.number = a.version
        where a.agent_user_id = @agentUserId and a.workspace_id = @workspaceId and (@name::text is null or s.slug = @name)
        order by s.slug
        """;

    public async Task<IReadOnlyList<Skill>> ListAsync(AgentIdentity agent, string? name, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Skill>(Cmd.For(Sql, new { agentUserId = agent.UserId, workspaceId = agent.WorkspaceId, name }, ct))).ToList();
    }
}
