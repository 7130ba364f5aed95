namespace AgentLink.Functions.Workspaces;

public sealed record WorkspaceView(Guid Id, string Name, string Role, Guid OwnerId, DateTime CreatedAt);

public sealed record MemberView(Guid UserId, string Name, string? Email, string Kind, string Role, DateTime JoinedAt);
