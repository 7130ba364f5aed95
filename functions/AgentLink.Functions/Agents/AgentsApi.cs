using AgentLink.Functions.Auth;

namespace AgentLink.Functions.Agents;

/// <summary>
/// Agent onboarding, compatible with the reference product's agent API: an agent
/// registers (no auth), a workspace owner or admin claims it (or the agent claims
/// itself with an invite), then the agent connects its MQTT agent ids.
/// </summary>
public static class AgentsApi
{
    public static RouteGroupBuilder MapAgentsApi(this RouteGroupBuilder v1)
    {
        var agents = v1.MapGroup("/agents").WithTags("Agents");
        // Anonymous and cheap to call, so limited per client address like sign-in.
        agents.MapPost("/register", RegisterAgent.Handle).RequireRateLimiting(AuthApi.LoginRateLimit);

        // Called by the agent, with its API key.
        var agent = agents.MapGroup("/").RequireAuthorization(AgentKeyAuthenticationHandler.PolicyName);
        agent.MapGet("/me", GetAgentStatus.Handle);
        agent.MapPost("/claim", ClaimWithInvite.Handle);
        agent.MapPost("/connect", ConnectAgents.Handle);
        agent.MapGet("/connect", ListConnectedAgents.Handle);
        agent.MapDelete("/{agentId}", RemoveAgent.Handle);

        // Called by a person, with their session.
        var person = agents.MapGroup("/claim").RequireAuthorization();
        person.MapGet("/{registrationId:guid}", PreviewClaim.Handle);
        person.MapPost("/{registrationId:guid}", ClaimAgent.Handle);
        v1.MapGet("/workspaces/{workspaceId:guid}/agents", ListWorkspaceAgents.Handle).WithTags("Agents").RequireAuthorization();
        return v1;
    }
}

public sealed record WorkspaceRef(Guid Id, string Name);

/// <summary>A registration as its agent sees it. Status: pending (claimable), claimed, expired (no longer claimable).</summary>
public sealed record RegistrationView(
    Guid RegistrationId, string AgentName, string? FrameworkType, string Status, DateTime ClaimExpiresAt, string? ClaimUrl, WorkspaceRef? Workspace);

/// <summary>One MQTT agent id of a registration, with its presence.</summary>
public sealed record ConnectedAgentView(string AgentId, Guid UserId, string HumanName, string Status, bool Online, DateTime? LastSeen);
