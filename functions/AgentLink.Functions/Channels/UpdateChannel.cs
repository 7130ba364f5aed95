using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class UpdateChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Name, string? Topic);

    // Rights are part of the write: a rename needs the creator (still a writer) or an admin; a topic
    // needs someone who may write in the channel, or an admin. Archived channels stay as they were.
    private const string UpdateSql = $$"""
        update channels c set
            name = case when @name is null then c.name else {{ChannelNames.Normalized}} end,
            topic = coalesce(@topic, c.topic)
        where c.id = @channelId and c.type = 'channel' and c.archived_at is null
          and (@name is null or {{ChannelRights.IsWorkspaceAdmin}}
               or (c.created_by = @userId
                   and exists (select 1 from memberships wm where wm.workspace_id = c.workspace_id and wm.user_id = @userId and wm.role <> 'viewer')))
          and (@topic is null or {{ChannelRights.CanWrite}} or {{ChannelRights.IsWorkspaceAdmin}})
        """;

    /// <summary>Renames a channel (its creator or an admin) or sets its topic (anyone who may post in it, or an admin).</summary>
    [Function(nameof(UpdateChannel))]
    [Caller(Caller.Person), JsonBody(typeof(Request))]
    public async Task<Results<Ok<ChannelView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v1/channels/{channelId:guid}")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var userId = req.HttpContext.User.UserId();
        var name = body.Name is null ? null : ChannelNames.Slug(body.Name);
        var topic = body.Topic?.Trim();
        var check = new Validate()
            .Check(name is not null || topic is not null, "name", "Give a new name or topic.")
            .Check(name is null || (name.Length is > 0 and <= ChannelNames.MaxLength && ChannelNames.IsValid(name)), "name", ChannelNames.Rule)
            .Check(topic is null || topic.Length <= 250, "topic", "At most 250 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var channel = await WorkspaceAccess.ChannelAsync(conn, channelId, userId, ct, tx);
        if (channel is null || !channel.CanRead) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        if (channel.IsDm) return ApiProblem.BadRequest(ErrorCodes.InvalidRequest, "DMs have no name or topic to change.");
        if (channel.Archived) return ApiProblem.Conflict(ErrorCodes.ChannelArchived, "This channel is archived.");

        int changed;
        try
        {
            changed = await conn.ExecuteAsync(Cmd.For(UpdateSql, new { channelId, userId, name, topic }, ct, tx));
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation("channels_name_key"))
        {
            return ApiProblem.Conflict(ErrorCodes.ChannelNameTaken, $"#{name} already exists in this workspace.");
        }
        if (changed == 0)
        {
            await tx.RollbackAsync(ct);
            return ApiProblem.Forbidden(ErrorCodes.RoleTooLow, name is not null
                ? "Only the channel's creator or an admin renames it."
                : "Only people who may post in the channel set its topic.");
        }
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, channel.WorkspaceId, ct);
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, channel.WorkspaceId, seq, EventTypes.ChannelUpdated, channel.IsPrivate ? channelId : null, null,
            new { channelId, name = view.Name, topic = view.Topic }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Ok(view);
    }
}
