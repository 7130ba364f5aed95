using AgentLink.Core.Events;

namespace AgentLink.Functions.Workspaces;

public sealed class AcceptInvite(NpgsqlDataSource dataSource, EventPublisher events, TimeProvider clock)
{
    private const string JoinSql = """
        insert into memberships (workspace_id, user_id, role) values (@workspaceId, @userId, @role)
        on conflict (workspace_id, user_id) do nothing
        """;

    private const string JoinGeneralSql = """
        insert into channel_members (channel_id, workspace_id, user_id)
        select id, workspace_id, @userId from channels
        where workspace_id = @workspaceId and type = 'channel' and lower(name) = 'general' and archived_at is null
        on conflict do nothing
        returning channel_id
        """;

    private const string CountSql = "update invitations set accept_count = accept_count + 1 where id = @id";

    private const string ViewSql = """
        select w.id, w.name, m.role, w.owner_id, w.created_at
        from workspaces w join memberships m on m.workspace_id = w.id and m.user_id = @userId
        where w.id = @workspaceId
        """;

    /// <summary>Joins the workspace with the invite's role (a member keeps their role), and its #general.</summary>
    [Function(nameof(AcceptInvite))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<WorkspaceView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/invites/{token}/accept")] HttpRequest req, string token)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var invite = await conn.QuerySingleOrDefaultAsync<PreviewInvite.InviteRow>(Cmd.For(PreviewInvite.FindSql + " for update of i", new { hash = InviteTokens.Hash(token) }, ct, tx));
        if (PreviewInvite.Problem(invite, clock) is { } problem) return problem;

        var workspaceId = invite!.WorkspaceId;
        var published = new List<WorkspaceEvent>();
        if (await conn.ExecuteAsync(Cmd.For(JoinSql, new { workspaceId, userId, role = invite.Role }, ct, tx)) == 1)
        {
            var general = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(JoinGeneralSql, new { workspaceId, userId }, ct, tx));
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct, general is null ? 1 : 2);
            var member = new { userId, name = user.DisplayName(), role = invite.Role, kind = "human" };
            published.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.WorkspaceMemberJoined, null, null, member, ct));
            if (general is { } channelId)
                published.Add(await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq + 1, EventTypes.ChannelMemberJoined, channelId, null, new { channelId, userId, name = user.DisplayName() }, ct));
            await conn.ExecuteAsync(Cmd.For(CountSql, new { invite.Id }, ct, tx));
        }
        var view = await conn.QuerySingleAsync<WorkspaceView>(Cmd.For(ViewSql, new { workspaceId, userId }, ct, tx));
        await tx.CommitAsync(ct);
        await events.PublishAsync(published, ct);
        return TypedResults.Ok(view);
    }
}
