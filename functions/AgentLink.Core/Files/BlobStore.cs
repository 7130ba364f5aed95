using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Files;

/// <summary>
/// The attachments container in Azure Blob Storage (Azurite locally). Bytes never pass through our
/// hosts on their way in or out: uploads and reads use short-lived SAS URLs signed with the account
/// key. The hosts only read a file's head (to sniff its type) and an image (to make its thumbnail).
/// </summary>
public sealed class BlobStore(IOptions<FilesOptions> options)
{
    private readonly Lazy<BlobContainerClient> _container = new(() =>
        new BlobContainerClient(options.Value.BlobConnectionString ?? throw new InvalidOperationException("Attachments are off: no blob connection string."), options.Value.Container));
    private Task? _ready;
    private readonly Lock _readyLock = new();

    public FilesOptions Options => options.Value;

    public bool Enabled => options.Value.Enabled;

    private BlobContainerClient Container => _container.Value;

    /// <summary>Creates the container once, and puts the configured browser origins in the service's CORS rules.</summary>
    public Task EnsureReadyAsync(CancellationToken ct)
    {
        lock (_readyLock)
        {
            if (_ready is { IsFaulted: false, IsCanceled: false }) return _ready;
            return _ready = PrepareAsync();
        }
    }

    private async Task PrepareAsync()
    {
        await Container.CreateIfNotExistsAsync();
        if (string.IsNullOrWhiteSpace(options.Value.CorsOrigins)) return;
        var service = Container.GetParentBlobServiceClient();
        var properties = (await service.GetPropertiesAsync()).Value;
        properties.Cors =
        [
            new BlobCorsRule
            {
                AllowedOrigins = options.Value.CorsOrigins, AllowedMethods = "PUT,GET,HEAD,OPTIONS",
                AllowedHeaders = "content-type,x-ms-blob-type,x-ms-blob-content-type,x-ms-version,x-ms-client-request-id",
                ExposedHeaders = "etag,x-ms-request-id", MaxAgeInSeconds = 3600,
            },
        ];
        await service.SetPropertiesAsync(properties);
    }

    /// <summary>A URL the uploader may PUT the file to (as a block blob) until it expires; nothing else.</summary>
    public Uri UploadUrl(string blobName, DateTimeOffset expires)
    {
        var sas = new BlobSasBuilder(BlobSasPermissions.Create | BlobSasPermissions.Write, expires)
        {
            BlobContainerName = Container.Name, BlobName = blobName, Resource = "b", Protocol = SasProtocol.HttpsAndHttp,
        };
        return Container.GetBlobClient(blobName).GenerateSasUri(sas);
    }

    /// <summary>
    /// A URL that reads the file until it expires, answered with our content type and file name:
    /// inline for images and harmless types, always as a download for scriptable ones.
    /// </summary>
    public Uri ReadUrl(string blobName, string fileName, string contentType, bool inline, DateTimeOffset expires)
    {
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, expires)
        {
            BlobContainerName = Container.Name, BlobName = blobName, Resource = "b", Protocol = SasProtocol.HttpsAndHttp,
            ContentType = inline ? contentType : "application/octet-stream",
            ContentDisposition = $"{(inline ? "inline" : "attachment")}; filename=\"{Ascii(fileName)}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}",
            CacheControl = "private, max-age=300",
        };
        return Container.GetBlobClient(blobName).GenerateSasUri(sas);
    }

    private static string Ascii(string name) => new(name.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_').ToArray());

    /// <summary>The blob's size, or null when nothing was uploaded.</summary>
    public async Task<long?> SizeAsync(string blobName, CancellationToken ct)
    {
        try { return (await Container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength; }
        catch (RequestFailedException e) when (e.Status == 404) { return null; }
    }

    /// <summary>The first <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadHeadAsync(string blobName, int count, CancellationToken ct)
    {
        var result = await Container.GetBlobClient(blobName).DownloadContentAsync(
            new BlobDownloadOptions { Range = new HttpRange(0, count) }, ct);
        return result.Value.Content.ToArray();
    }

    public async Task<byte[]> ReadAllAsync(string blobName, CancellationToken ct) =>
        (await Container.GetBlobClient(blobName).DownloadContentAsync(ct)).Value.Content.ToArray();

    /// <summary>Stores bytes we made (a thumbnail) with their content type.</summary>
    public Task WriteAsync(string blobName, byte[] bytes, string contentType, CancellationToken ct) =>
        Container.GetBlobClient(blobName).UploadAsync(new BinaryData(bytes),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);

    /// <summary>Removes a blob (gone already is fine).</summary>
    public Task DeleteAsync(string blobName, CancellationToken ct) =>
        Container.GetBlobClient(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);

    public static string ThumbnailOf(string blobName) => blobName + ".thumb.jpg";
}
