// Agent onboarding, compatible with the reference product's agent API: an agent registers (no auth),
// a workspace owner or admin claims it (or the agent claims itself with an invite), then the agent
// connects its MQTT agent ids. These are the views those functions answer with.
namespace AgentLink.Functions.Agents;

public sealed record WorkspaceRef(Guid Id, string Name);

/// <summary>A registration as its agent sees it. Status: pending (claimable), claimed, expired (no longer claimable).</summary>
public sealed record RegistrationView(
    Guid RegistrationId, string AgentName, string? FrameworkType, string Status, DateTime ClaimExpiresAt, string? ClaimUrl, WorkspaceRef? Workspace);

/// <summary>One MQTT agent id of a registration, with its presence.</summary>
public sealed record ConnectedAgentView(string AgentId, Guid UserId, string HumanName, string Status, bool Online, DateTime? LastSeen);
