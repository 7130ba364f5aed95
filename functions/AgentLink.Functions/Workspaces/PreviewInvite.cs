namespace AgentLink.Functions.Workspaces;

public sealed class PreviewInvite(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public sealed record InvitePreview(Guid WorkspaceId, string WorkspaceName, string Role, DateTime ExpiresAt);

    internal sealed record InviteRow(Guid Id, Guid WorkspaceId, string WorkspaceName, string Role, DateTime ExpiresAt, DateTime? RevokedAt);

    internal const string FindSql = """
        select i.id, i.workspace_id, w.name as workspace_name, i.role, i.expires_at, i.revoked_at
        from invitations i join workspaces w on w.id = i.workspace_id
        where i.token_hash = @hash
        """;

    /// <summary>What an invite link leads to, so the invite page can show what the person is about to join.</summary>
    [Function(nameof(PreviewInvite))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<InvitePreview>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/invites/{token}")] HttpRequest req, string token)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var invite = await conn.QuerySingleOrDefaultAsync<InviteRow>(Cmd.For(FindSql, new { hash = InviteTokens.Hash(token) }, ct));
        if (Problem(invite, clock) is { } problem) return problem;
        return TypedResults.Ok(new InvitePreview(invite!.WorkspaceId, invite.WorkspaceName, invite.Role, invite.ExpiresAt));
    }

    internal static ProblemHttpResult? Problem(InviteRow? invite, TimeProvider clock)
    {
        if (invite is null) return ApiProblem.NotFound(ErrorCodes.InviteNotFound, "Invite");
        if (invite.RevokedAt is not null || invite.ExpiresAt <= clock.GetUtcNow())
            return ApiProblem.Of(StatusCodes.Status410Gone, ErrorCodes.InviteExpired, "This invite has expired; ask for a new one.");
        return null;
    }
}
