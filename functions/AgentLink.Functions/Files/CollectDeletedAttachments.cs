using AgentLink.Core.Files;

namespace AgentLink.Functions.Files;

/// <summary>
/// Removes the blobs of files that are gone: on a deleted message, or uploaded and never posted (never
/// confirmed, or confirmed and left off any message) for a day. The row goes after its blob, so a
/// failed delete is retried on the next run.
/// </summary>
public sealed class CollectDeletedAttachments(NpgsqlDataSource dataSource, BlobStore blobs, ILogger<CollectDeletedAttachments> logger)
{
    private const string DueSql = """
        select id, blob_name, has_thumbnail from attachments
        where deleted_at is not null or (message_id is null and created_at < now() - interval '1 day')
        order by created_at
        limit 500
        """;

    [Function(nameof(CollectDeletedAttachments))]
    public async Task Run([TimerTrigger(TimerSchedules.AttachmentCollection)] TimerInfo timer, CancellationToken ct) => await RunOnceAsync(ct);

    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (!blobs.Enabled) return 0;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var due = (await conn.QueryAsync<(Guid Id, string BlobName, bool HasThumbnail)>(Cmd.For(DueSql, null, ct))).ToList();
        var removed = 0;
        foreach (var (id, blobName, hasThumbnail) in due)
        {
            try
            {
                await blobs.DeleteAsync(blobName, ct);
                if (hasThumbnail) await blobs.DeleteAsync(BlobStore.ThumbnailOf(blobName), ct);
                removed += await conn.ExecuteAsync(Cmd.For("delete from attachments where id = @id", new { id }, ct));
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning(ex, "Could not delete the blob of attachment {AttachmentId}; the next run retries", id);
            }
        }
        return removed;
    }
}
