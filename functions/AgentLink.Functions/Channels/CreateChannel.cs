using AgentLink.Core.Events;

namespace AgentLink.Functions.Channels;

public sealed class CreateChannel(NpgsqlDataSource dataSource, EventPublisher events)
{
    public sealed record Request(string? Name, bool? IsPrivate, string? Topic);

    private const string InsertSql = $$"""
        with c as (
            insert into channels (workspace_id, type, name, is_private, topic, created_by)
            values (@workspaceId, 'channel', {{ChannelNames.Normalized}}, @isPrivate, @topic, @userId) returning id, workspace_id)
        insert into channel_members (channel_id, workspace_id, user_id) select id, workspace_id, @userId from c
        returning channel_id
        """;

    /// <summary>Creates a channel (public or private) with the caller in it. Names are lower case letters of any script, digits, '-' and '_' (spaces become '-'), unique in the workspace.</summary>
    [Function(nameof(CreateChannel))]
    [Caller(Caller.Person), WorkspaceRole(Roles.Member), JsonBody(typeof(Request))]
    public async Task<Results<Created<ChannelView>, ValidationProblem, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/workspaces/{workspaceId:guid}/channels")] HttpRequest req, Guid workspaceId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        var user = req.HttpContext.User;
        var name = ChannelNames.Slug(body.Name);
        var topic = body.Topic?.Trim() ?? "";
        var check = new Validate()
            .Required("name", name, ChannelNames.MaxLength)
            .Check(name.Length == 0 || ChannelNames.IsValid(name), "name", ChannelNames.Rule)
            .Check(topic.Length <= 250, "topic", "At most 250 characters.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        var userId = user.UserId();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var isPrivate = body.IsPrivate ?? false;
        Guid channelId;
        try
        {
            channelId = await conn.QuerySingleAsync<Guid>(Cmd.For(InsertSql, new { workspaceId, name, isPrivate, topic, userId }, ct, tx));
        }
        catch (PostgresException ex) when (ex.IsUniqueViolation("channels_name_key"))
        {
            return ApiProblem.Conflict(ErrorCodes.ChannelNameTaken, $"#{name} already exists in this workspace.");
        }
        var view = (await ChannelQueries.GetAsync(conn, channelId, userId, ct, tx))!;
        var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, ct);
        // A public channel is announced to the whole workspace; a private one only to its members.
        var e = await WorkspaceEventLog.AppendAsync(conn, tx, workspaceId, seq, EventTypes.ChannelCreated, isPrivate ? channelId : null, null, view with { IsMember = false, LastReadSeq = 0 }, ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(e, ct);
        return TypedResults.Created($"/api/v1/channels/{channelId}", view);
    }
}
