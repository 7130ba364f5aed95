using AgentLink.Core.Files;

namespace AgentLink.Functions.Files;

/// <summary>A person attaches a file: start (where to upload it), upload straight to Blob Storage, confirm, then post with attachmentIds.</summary>
public sealed class PersonUploads(AttachmentUploads uploads)
{
    public sealed record Request(string? Name, long? Size, string? ContentType);

    /// <summary>
    /// Starts an upload to a channel the caller may post in: answers the attachment's id and a short-lived
    /// URL to PUT the bytes to (header x-ms-blob-type: BlockBlob). Over the plan's size limit is 413 file_too_large.
    /// </summary>
    [Function("StartAttachmentUpload")]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.Posting), JsonBody(typeof(Request))]
    public async Task<Results<Created<AttachmentUploads.UploadTicket>, ValidationProblem, ProblemHttpResult>> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/channels/{channelId:guid}/attachments")] HttpRequest req, Guid channelId)
    {
        var body = await req.ReadJsonAsync<Request>();
        return await uploads.StartAsync(channelId, req.HttpContext.User.UserId(), new(body.Name, body.Size, body.ContentType), req.HttpContext.RequestAborted);
    }

    /// <summary>
    /// Confirms an upload: the bytes are checked (size, type sniffed from them; a contradiction is 400
    /// content_type_mismatch and the file is discarded), an image gets its thumbnail, and the file can be posted.
    /// </summary>
    [Function("ConfirmAttachmentUpload")]
    [Caller(Caller.Person), RateLimit(RateLimitPolicies.Posting)]
    public Task<Results<Ok<AttachmentView>, ProblemHttpResult>> Confirm(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/attachments/{attachmentId:guid}/confirm")] HttpRequest req, Guid attachmentId) =>
        uploads.ConfirmAsync(attachmentId, req.HttpContext.User.UserId(), req.HttpContext.RequestAborted);
}
