using AgentLink.Core.Billing;
using AgentLink.Core.Files;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Files;

/// <summary>
/// The two steps of an upload, shared by people and agents. Start: check the channel, the name and the
/// size against the workspace's plan, write a pending row, hand out a write SAS for the blob. Confirm:
/// check what was really uploaded (present, within the declared size and the limit, its type sniffed
/// from its bytes and not contradicting the claim), make an image's thumbnail, mark it ready. A refused
/// upload's blob is deleted and its row removed, so nothing half-written stays.
/// </summary>
public sealed class AttachmentUploads(NpgsqlDataSource dataSource, BlobStore blobs, Thumbnails thumbnails, IOptions<BillingOptions> billing, ILogger<AttachmentUploads> logger)
{
    public sealed record StartRequest(string? Name, long? Size, string? ContentType);

    public sealed record UploadTicket(AttachmentView Attachment, string UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, DateTime ExpiresAt, long MaxBytes);

    private const int MaxNameLength = 255;

    private const string InsertSql = """
        insert into attachments (id, workspace_id, channel_id, uploader_id, blob_name, name, claimed_type, size)
        select @id, c.workspace_id, c.id, @userId, @blobName, @name, @claimedType, @size from channels c
        where c.id = @channelId and {0}
        returning workspace_id
        """;

    private const string ChannelSql = "select c.workspace_id from channels c where c.id = @channelId and {0}";

    /// <summary>The upload's first step: a pending row and where to PUT the bytes; or why not.</summary>
    public async Task<Results<Created<UploadTicket>, ValidationProblem, ProblemHttpResult>> StartAsync(Guid channelId, Guid userId, StartRequest body, CancellationToken ct)
    {
        if (!blobs.Enabled) return ApiProblem.Conflict(ErrorCodes.AttachmentsDisabled, "File uploads are off on this install: set AgentLink:Files:BlobConnectionString.");
        var name = ContentSniffer.SafeName(body.Name);
        var claimed = string.IsNullOrWhiteSpace(body.ContentType) ? "application/octet-stream" : body.ContentType.Trim();
        var check = new Validate()
            .Check(!string.IsNullOrWhiteSpace(body.Name), "name", "Required: the file's name.")
            .Check((body.Name?.Length ?? 0) <= MaxNameLength, "name", $"At most {MaxNameLength} characters.")
            .Check(body.Size is > 0, "size", "Required: the file's size in bytes, more than 0.")
            .Check(claimed.Length <= 200 && !claimed.Any(char.IsControl), "contentType", "A media type such as image/png.");
        if (!check.Ok) return ApiProblem.Invalid(check.Errors);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var workspaceId = await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(string.Format(ChannelSql, ChannelRights.CanRead), new { channelId, userId }, ct));
        if (workspaceId is not { } ws) return ApiProblem.NotFound(ErrorCodes.ChannelNotFound, "Channel");
        var limit = await LimitAsync(conn, ws, ct);
        if (body.Size > limit)
            return ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, ErrorCodes.FileTooLarge, $"Files may be at most {Megabytes(limit)} on this workspace's plan.");

        await blobs.EnsureReadyAsync(ct);
        var id = Guid.CreateVersion7();
        var blobName = AttachmentLinks.BlobName(ws, id);
        // The caller's right to post is in the insert's WHERE: checked and written at once.
        if (await conn.QuerySingleOrDefaultAsync<Guid?>(Cmd.For(string.Format(InsertSql, ChannelRights.CanWrite),
                new { id, userId, channelId, blobName, name, claimedType = claimed, size = body.Size }, ct)) is null)
            return ApiProblem.Forbidden(ErrorCodes.NotChannelMember, "Join the channel first (and viewers cannot post files).");
        var expires = DateTimeOffset.UtcNow.AddMinutes(blobs.Options.UploadSasMinutes);
        var ticket = new UploadTicket(
            new AttachmentView(id, name, body.Size!.Value, claimed, "file", false, null, null, false),
            blobs.UploadUrl(blobName, expires).ToString(), "PUT", new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" },
            expires.UtcDateTime, limit);
        return TypedResults.Created($"/api/v1/attachments/{id}", ticket);
    }

    private const string PendingSql = """
        select id, workspace_id, blob_name, name, claimed_type, size, status from attachments
        where id = @id and uploader_id = @userId and deleted_at is null
        """;

    private sealed record Pending(Guid Id, Guid WorkspaceId, string BlobName, string Name, string ClaimedType, long Size, string Status);

    private const string ReadySql = """
        update attachments set status = 'ready', confirmed_at = now(), size = @size, content_type = @contentType, kind = @kind,
            download_only = @downloadOnly, width = @width, height = @height, has_thumbnail = @hasThumbnail
        where id = @id and status = 'pending'
        """;

    private const string ViewSql = """
        select id, name, size, coalesce(content_type, claimed_type) as content_type, kind, download_only, width, height, has_thumbnail
        from attachments where id = @id
        """;

    private sealed record ViewRow(Guid Id, string Name, long Size, string ContentType, string Kind, bool DownloadOnly, int? Width, int? Height, bool HasThumbnail)
    {
        public AttachmentView ToView() => new(Id, Name, Size, ContentType, Kind, DownloadOnly, Width, Height, HasThumbnail);
    }

    private static async Task<AttachmentView> ViewAsync(NpgsqlConnection conn, Guid id, CancellationToken ct) =>
        (await conn.QuerySingleAsync<ViewRow>(Cmd.For(ViewSql, new { id }, ct))).ToView();

    /// <summary>The upload's second step: checks the bytes that arrived and makes the file ready to post.</summary>
    public async Task<Results<Ok<AttachmentView>, ProblemHttpResult>> ConfirmAsync(Guid attachmentId, Guid userId, CancellationToken ct)
    {
        if (!blobs.Enabled) return ApiProblem.Conflict(ErrorCodes.AttachmentsDisabled, "File uploads are off on this install.");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<Pending>(Cmd.For(PendingSql, new { id = attachmentId, userId }, ct)) is not { } row)
            return ApiProblem.NotFound(ErrorCodes.AttachmentNotFound, "Upload");
        if (row.Status == "ready") return TypedResults.Ok(await ViewAsync(conn, row.Id, ct));

        var size = await blobs.SizeAsync(row.BlobName, ct);
        if (size is null)
            return ApiProblem.Conflict(ErrorCodes.UploadMissing, "Nothing was uploaded yet: PUT the file to the upload URL first.");
        var limit = await LimitAsync(conn, row.WorkspaceId, ct);
        if (size > limit || size > row.Size)
            return await RefuseAsync(conn, row, StatusCodes.Status413PayloadTooLarge, ErrorCodes.FileTooLarge,
                size > limit ? $"The file is larger than {Megabytes(limit)}, this workspace's limit." : $"The file has {size} bytes, more than the {row.Size} declared.", ct);
        // A claimed image small enough for a thumbnail is read once, whole; anything else only as far as sniffing needs.
        var thumbnailable = size <= blobs.Options.ThumbnailMaxSourceBytes;
        var whole = thumbnailable && row.ClaimedType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? await blobs.ReadAllAsync(row.BlobName, ct) : null;
        var head = whole ?? await blobs.ReadHeadAsync(row.BlobName, ContentSniffer.HeadBytes, ct);
        var sniffed = ContentSniffer.Sniff(head.AsSpan(0, Math.Min(head.Length, ContentSniffer.HeadBytes)), row.ClaimedType, row.Name);
        if (sniffed.Contradicts)
            return await RefuseAsync(conn, row, StatusCodes.Status400BadRequest, ErrorCodes.ContentTypeMismatch,
                $"The file's bytes are {sniffed.ContentType}, not the {row.ClaimedType} it claims to be.", ct);

        var thumb = sniffed.Kind == "image" && thumbnailable
            ? await thumbnails.MakeAsync(row.BlobName, whole ?? await blobs.ReadAllAsync(row.BlobName, ct), ct) : null;
        await conn.ExecuteAsync(Cmd.For(ReadySql, new
        {
            // Shown inline only with a thumbnail: an image too large or too broken to make one is a file card.
            id = row.Id, size, contentType = sniffed.ContentType, kind = thumb is null ? "file" : "image",
            downloadOnly = sniffed.DownloadOnly, width = thumb?.Width, height = thumb?.Height, hasThumbnail = thumb is not null,
        }, ct));
        return TypedResults.Ok(await ViewAsync(conn, row.Id, ct));
    }

    private async Task<ProblemHttpResult> RefuseAsync(NpgsqlConnection conn, Pending row, int status, string code, string detail, CancellationToken ct)
    {
        await blobs.DeleteAsync(row.BlobName, ct);
        await conn.ExecuteAsync(Cmd.For("delete from attachments where id = @id and status = 'pending'", new { id = row.Id }, ct));
        logger.LogInformation("Refused upload {AttachmentId}: {Code}", row.Id, code);
        return ApiProblem.Of(status, code, detail);
    }

    /// <summary>The largest file the workspace's plan allows: Pro (or no billing) gets the larger limit.</summary>
    private async Task<long> LimitAsync(NpgsqlConnection conn, Guid workspaceId, CancellationToken ct)
    {
        if (!billing.Value.Enabled) return blobs.Options.MaxBytesPro;
        var standing = await License.ReadAsync(conn, workspaceId, billing.Value, DateTime.UtcNow, ct);
        return standing is { Plan: "pro", License: License.Active } ? blobs.Options.MaxBytesPro : blobs.Options.MaxBytesFree;
    }

    private static string Megabytes(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes} bytes";
}
