namespace AgentLink.Core.Options;

/// <summary>
/// Attachments (section AgentLink:Files): where their bytes live and how big they may be. Off (uploads
/// answer 409 attachments_disabled) until a Blob Storage connection string is set here or in
/// AzureWebJobsStorage; infra/run.sh points both at the stack's Azurite.
/// </summary>
public sealed class FilesOptions
{
    public const string Section = "AgentLink:Files";

    /// <summary>Azure Blob Storage connection string with an account key (SAS URLs are signed with it).</summary>
    public string? BlobConnectionString { get; set; }

    public string Container { get; set; } = "attachments";

    /// <summary>Largest file on the free plan (and during the trial), in bytes.</summary>
    public long MaxBytesFree { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest file on Pro, and on a self-hosted install (no billing), in bytes.</summary>
    public long MaxBytesPro { get; set; } = 100 * 1024 * 1024;

    /// <summary>How long an upload URL may be used.</summary>
    public int UploadSasMinutes { get; set; } = 10;

    /// <summary>How long a read URL handed to a person's browser works.</summary>
    public int ReadSasMinutes { get; set; } = 15;

    /// <summary>How long the read URLs in agents' envelopes work (an offline agent reads them later; it can ask for fresh ones).</summary>
    public int AgentReadSasHours { get; set; } = 24;

    /// <summary>Origins allowed to upload from a browser (comma-separated, or *); when set, the functions put them in the blob service's CORS rules.</summary>
    public string? CorsOrigins { get; set; }

    /// <summary>Longest side of an image's thumbnail, in pixels.</summary>
    public int ThumbnailSize { get; set; } = 360;

    /// <summary>Images larger than this get no thumbnail (the card shows instead).</summary>
    public long ThumbnailMaxSourceBytes { get; set; } = 25 * 1024 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(BlobConnectionString);
}
