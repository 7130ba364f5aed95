using AgentLink.Core.Files;

namespace AgentLink.Functions.Files;

/// <summary>An agent attaches a file with its key, then posts it with message.post {attachmentIds} over MQTT.</summary>
public sealed class AgentUploads(NpgsqlDataSource dataSource, AttachmentUploads uploads, AttachmentLinks links)
{
    public sealed record Request(Guid? ChannelId, string? Name, long? Size, string? ContentType);

    private async Task<Guid?> AgentUserAsync(HttpRequest req, string agentId, CancellationToken ct) =>
        (await AgentCaller.FindAsync(dataSource, req, agentId, ct))?.UserId;

    /// <summary>Starts an agent's upload to a channel it is in; the same answer as a person's (PUT the bytes to uploadUrl, then confirm).</summary>
    [Function("StartAgentAttachmentUpload")]
    [Caller(Caller.Agent), JsonBody(typeof(Request))]
    public async Task<Results<Created<AttachmentUploads.UploadTicket>, ValidationProblem, ProblemHttpResult>> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/{agentId}/attachments")] HttpRequest req, string agentId)
    {
        var body = await req.ReadJsonAsync<Request>();
        var ct = req.HttpContext.RequestAborted;
        if (body.ChannelId is not { } channelId) return ApiProblem.Invalid("channelId", "Required: the channel the file is for.");
        if (await AgentUserAsync(req, agentId, ct) is not { } userId) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return await uploads.StartAsync(channelId, userId, new(body.Name, body.Size, body.ContentType), ct);
    }

    /// <summary>Confirms an agent's upload (the bytes are checked as for a person's).</summary>
    [Function("ConfirmAgentAttachmentUpload")]
    [Caller(Caller.Agent)]
    public async Task<Results<Ok<AttachmentView>, ProblemHttpResult>> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/agents/{agentId}/attachments/{attachmentId:guid}/confirm")] HttpRequest req, string agentId, Guid attachmentId)
    {
        var ct = req.HttpContext.RequestAborted;
        if (await AgentUserAsync(req, agentId, ct) is not { } userId) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        return await uploads.ConfirmAsync(attachmentId, userId, ct);
    }

    /// <summary>Fresh signed URLs for a file on a message the agent can read (those in its envelopes expire after AgentReadSasHours).</summary>
    [Function("GetAgentAttachment")]
    [Caller(Caller.Agent)]
    public async Task<Results<Ok<AttachmentView>, ProblemHttpResult>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/agents/{agentId}/attachments/{attachmentId:guid}")] HttpRequest req, string agentId, Guid attachmentId)
    {
        var ct = req.HttpContext.RequestAborted;
        if (await AgentUserAsync(req, agentId, ct) is not { } userId) return ApiProblem.NotFound(ErrorCodes.AgentNotFound, "Agent");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await AttachmentReads.FindAsync(conn, attachmentId, userId, ct) is not { } found) return ApiProblem.NotFound(ErrorCodes.AttachmentNotFound, "Attachment");
        return TypedResults.Ok(links.Sign(found.View, found.WorkspaceId, DateTimeOffset.UtcNow.AddHours(links.AgentReadHours)));
    }
}
