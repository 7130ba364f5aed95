using AgentLink.Core.Chat;

namespace AgentLink.Core.Files;

/// <summary>
/// Signs read URLs into the messages agents receive, valid for AgentLink:Files:AgentReadSasHours (an
/// agent may read them long after; GET /api/v1/agents/{agentId}/attachments/{id} gives a fresh one).
/// People never get these in the API: their browser asks /api/v1/attachments/{id}/content each time.
/// </summary>
public sealed class AttachmentLinks(BlobStore blobs)
{
    public int AgentReadHours => blobs.Options.AgentReadSasHours;

    public MessageView ForAgents(MessageView message)
    {
        if (message.Attachments.Length == 0 || !blobs.Enabled) return message;
        var expires = DateTimeOffset.UtcNow.AddHours(blobs.Options.AgentReadSasHours);
        return message with { Attachments = message.Attachments.Select(a => Sign(a, message.WorkspaceId, expires)).ToArray() };
    }

    public AttachmentView Sign(AttachmentView a, Guid workspaceId, DateTimeOffset expires)
    {
        var blob = BlobName(workspaceId, a.Id);
        return a with
        {
            Url = blobs.ReadUrl(blob, a.Name, a.ContentType, inline: !a.DownloadOnly, expires).ToString(),
            ThumbnailUrl = a.HasThumbnail ? blobs.ReadUrl(BlobStore.ThumbnailOf(blob), a.Name + ".jpg", "image/jpeg", inline: true, expires).ToString() : null,
        };
    }

    /// <summary>Where an attachment's bytes live: one folder per workspace.</summary>
    public static string BlobName(Guid workspaceId, Guid attachmentId) => $"{workspaceId}/{attachmentId}";
}
