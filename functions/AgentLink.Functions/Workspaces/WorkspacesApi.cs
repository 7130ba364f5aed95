namespace AgentLink.Functions.Workspaces;

public static class WorkspacesApi
{
    public static RouteGroupBuilder MapWorkspacesApi(this RouteGroupBuilder v1)
    {
        var ws = v1.MapGroup("/workspaces").WithTags("Workspaces").RequireAuthorization();
        ws.MapPost("/", CreateWorkspace.Handle);
        ws.MapGet("/", ListWorkspaces.Handle);
        ws.MapGet("/{workspaceId:guid}", GetWorkspace.Handle);
        ws.MapGet("/{workspaceId:guid}/members", ListMembers.Handle);
        ws.MapPatch("/{workspaceId:guid}/members/{userId:guid}", ChangeMemberRole.Handle);
        ws.MapDelete("/{workspaceId:guid}/members/{userId:guid}", RemoveMember.Handle);
        ws.MapPost("/{workspaceId:guid}/invites", CreateInvite.Handle);

        var invites = v1.MapGroup("/invites").WithTags("Workspaces").RequireAuthorization();
        invites.MapGet("/{token}", PreviewInvite.Handle);
        invites.MapPost("/{token}/accept", AcceptInvite.Handle);
        return v1;
    }
}

public sealed record WorkspaceView(Guid Id, string Name, string Role, Guid OwnerId, DateTime CreatedAt);

public sealed record MemberView(Guid UserId, string Name, string? Email, string Kind, string Role, DateTime JoinedAt);
