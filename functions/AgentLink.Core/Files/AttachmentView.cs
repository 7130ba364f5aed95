namespace AgentLink.Core.Files;

/// <summary>
/// A file on a message as people and agents see it. <c>Kind</c> is image or file; <c>DownloadOnly</c>
/// files (scriptable types) are never shown inline. People fetch the bytes through
/// /api/v1/attachments/{id}/content (and /thumbnail); agents get signed <c>Url</c>s in their envelopes.
/// </summary>
public sealed record AttachmentView(
    Guid Id, string Name, long Size, string ContentType, string Kind, bool DownloadOnly, int? Width, int? Height, bool HasThumbnail,
    string? Url = null, string? ThumbnailUrl = null);
