using AgentLink.Core.Files;

namespace AgentLink.Functions.Files;

/// <summary>
/// Reading a file: only someone who can read its channel (a member, or anyone in the workspace for a
/// public channel), only once it is on a message (or by its uploader before that), never once deleted.
/// The bytes come from Blob Storage through a short-lived read SAS the browser is redirected to.
/// </summary>
public sealed class AttachmentReads(NpgsqlDataSource dataSource, BlobStore blobs)
{
    public sealed record Found(AttachmentView View, Guid WorkspaceId, string BlobName);

    private static readonly string FindSql = $"""
        select a.id, a.name, a.size, coalesce(a.content_type, a.claimed_type) as content_type, a.kind, a.download_only, a.width, a.height,
               a.has_thumbnail, a.workspace_id, a.blob_name
        from attachments a join channels c on c.id = a.channel_id
        left join channel_messages m on m.id = a.message_id
        where a.id = @id and a.deleted_at is null and a.status = 'ready' and m.deleted_at is null
          and (a.message_id is not null or a.uploader_id = @userId) and {ChannelRights.CanRead}
        """;

    private sealed record Row(Guid Id, string Name, long Size, string ContentType, string Kind, bool DownloadOnly, int? Width, int? Height,
        bool HasThumbnail, Guid WorkspaceId, string BlobName);

    public static async Task<Found?> FindAsync(NpgsqlConnection conn, Guid attachmentId, Guid userId, CancellationToken ct)
    {
        var r = await conn.QuerySingleOrDefaultAsync<Row>(Cmd.For(FindSql, new { id = attachmentId, userId }, ct));
        return r is null ? null : new Found(new AttachmentView(r.Id, r.Name, r.Size, r.ContentType, r.Kind, r.DownloadOnly, r.Width, r.Height, r.HasThumbnail),
            r.WorkspaceId, r.BlobName);
    }

    /// <summary>The file: a redirect to a short-lived read URL (inline for images and harmless types, a download for scriptable ones).</summary>
    [Function("ReadAttachment")]
    [Caller(Caller.Person)]
    public Task<Results<RedirectHttpResult, ProblemHttpResult>> Content(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/attachments/{attachmentId:guid}/content")] HttpRequest req, Guid attachmentId) =>
        RedirectAsync(req, attachmentId, thumbnail: false);

    /// <summary>An image's thumbnail (JPEG), as a redirect to a short-lived read URL; 404 for files without one.</summary>
    [Function("ReadAttachmentThumbnail")]
    [Caller(Caller.Person)]
    public Task<Results<RedirectHttpResult, ProblemHttpResult>> Thumbnail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/attachments/{attachmentId:guid}/thumbnail")] HttpRequest req, Guid attachmentId) =>
        RedirectAsync(req, attachmentId, thumbnail: true);

    private async Task<Results<RedirectHttpResult, ProblemHttpResult>> RedirectAsync(HttpRequest req, Guid attachmentId, bool thumbnail)
    {
        var ct = req.HttpContext.RequestAborted;
        if (!blobs.Enabled) return ApiProblem.NotFound(ErrorCodes.AttachmentNotFound, "Attachment");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await FindAsync(conn, attachmentId, req.HttpContext.User.UserId(), ct) is not { } found || (thumbnail && !found.View.HasThumbnail))
            return ApiProblem.NotFound(ErrorCodes.AttachmentNotFound, "Attachment");
        var expires = DateTimeOffset.UtcNow.AddMinutes(blobs.Options.ReadSasMinutes);
        var a = found.View;
        var url = thumbnail
            ? blobs.ReadUrl(BlobStore.ThumbnailOf(found.BlobName), a.Name + ".jpg", "image/jpeg", inline: true, expires)
            : blobs.ReadUrl(found.BlobName, a.Name, a.ContentType, inline: !a.DownloadOnly, expires);
        // The URL is a capability for a few minutes: never cached anywhere shared.
        req.HttpContext.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.Redirect(url.ToString());
    }
}
