using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class ArchiveChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    // Who may (an admin, or the creator unless now a viewer) is part of the write.
    private const string ArchiveSql = $$"""
        update channels c set archived_at = now()
        where c.id = @channelId and c.archived_at is null and c.type = 'channel'
          and ({{ChannelRights.IsWorkspaceAdmin}}
               or (c.created_by = @userId
                   and exists (select 1 from memberships wm where wm.workspace_id = c.workspace_id and wm.user_id = @userId and wm.role <> 'viewer')))
        """;

    /// <summary>The channel's creator, or a workspace owner or admin. History stays readable; posting stops.</summary>
    [Function(nameof(ArchiveChannel))]
    [Caller(Caller.Person)]
    public async Task<Results<Ok<ChannelView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/archive")] HttpRequest req, Guid channelId)
    {
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (Refusal(channel, userId) is { } refused) return refused;
        var workspaceId = channel!.WorkspaceId;

        WorkspaceEvent? e = null;
        if (await conn.ExecuteAsync(Cmd.For(ArchiveSql, new { channelId, userId }, ct, tx)) == 1)
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
            e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelUpdated, channel.IsPrivate ? channelId : null, null, new { channelId, archived = true }, ct);
        }
        else if (!channel.Archived && Refusal(await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx), userId) is { } now)
        {
            // Not archived, yet not archivable either: the caller's standing changed since the check.
            await tx.RollbackAsync(ct);
            return now;
        }
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        await tx.CommitAsync(ct);
        if (e is not null) await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }

    private static ProblemHttpResult? Refusal(ChannelAccess? channel, Guid userId)
    {
        if (channel is null) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.IsDm) return ApiProblem.BadRequest(ErrorCodes.InvalidRequest, "DMs cannot be archived.");
        if (!(Roles.IsAdmin(channel.Role) || (channel.CreatedBy == userId && Roles.CanWrite(channel.Role))))
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, "Only the channel's creator or an admin archives it.");
        return null;
    }
}
