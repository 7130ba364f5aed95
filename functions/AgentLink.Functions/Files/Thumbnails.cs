using AgentLink.Core.Files;
using SkiaSharp;

namespace AgentLink.Functions.Files;

/// <summary>Makes an image's thumbnail (a JPEG whose longer side is AgentLink:Files:ThumbnailSize) beside it in Blob Storage.</summary>
public sealed class Thumbnails(BlobStore blobs, ILogger<Thumbnails> logger)
{
    public sealed record Made(int Width, int Height);

    /// <summary>The original's size, once the thumbnail of its bytes is stored beside it; null when they do not decode as an image.</summary>
    public async Task<Made?> MakeAsync(string blobName, byte[] bytes, CancellationToken ct)
    {
        var jpeg = Render(bytes, blobs.Options.ThumbnailSize, out var width, out var height);
        if (jpeg is null)
        {
            logger.LogInformation("Blob {Blob} claims to be an image but does not decode; it stays a plain file", blobName);
            return null;
        }
        await blobs.WriteAsync(BlobStore.ThumbnailOf(blobName), jpeg, "image/jpeg", ct);
        return new Made(width, height);
    }

    /// <summary>The JPEG thumbnail of an encoded image, or null when it does not decode.</summary>
    public static byte[]? Render(byte[] image, int maxSide, out int width, out int height)
    {
        width = height = 0;
        using var original = SKBitmap.Decode(image);
        if (original is null || original.Width == 0 || original.Height == 0) return null;
        (width, height) = (original.Width, original.Height);
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        var size = new SKImageInfo(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
        // JPEG has no transparency: flatten onto white so a transparent PNG does not turn black.
        using var surface = SKSurface.Create(size);
        surface.Canvas.Clear(SKColors.White);
        using var source = SKImage.FromBitmap(original);
        surface.Canvas.DrawImage(source, new SKRect(0, 0, size.Width, size.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var encoded = surface.Snapshot().Encode(SKEncodedImageFormat.Jpeg, 82);
        return encoded.ToArray();
    }
}
