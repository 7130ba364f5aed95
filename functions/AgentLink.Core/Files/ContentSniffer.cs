using System.Text;

namespace AgentLink.Core.Files;

/// <summary>What a file's first bytes say it is, and whether that contradicts what the uploader claimed.</summary>
public sealed record Sniffed(string ContentType, string Kind, bool DownloadOnly, bool Contradicts);

/// <summary>
/// Decides a file's type from its bytes, never from the client: magic numbers for the common binary
/// formats, and a look at text for markup. Scriptable types (HTML, SVG, JavaScript) are download-only
/// whatever they claim, so a file can never run as a page of ours or of the storage origin.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs.</summary>
    public const int HeadBytes = 4096;

    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Gzip = [0x1F, 0x8B];
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private static readonly string[] ScriptableExtensions = [".html", ".htm", ".xhtml", ".svg", ".svgz", ".js", ".mjs", ".xml"];
    private static readonly string[] InlineImages = ["image/png", "image/jpeg", "image/gif", "image/webp"];
    private static readonly string[] Scriptable = ["text/html", "image/svg+xml", "application/javascript", "text/javascript", "application/xhtml+xml", "text/xml", "application/xml"];

    public static Sniffed Sniff(ReadOnlySpan<byte> head, string claimedType, string fileName)
    {
        var claimed = Normalize(claimedType);
        var detected = Detect(head, claimed);
        var contradicts = Contradicts(claimed, detected);
        // A text file keeps a more precise text type it claimed (text/csv, text/markdown); nothing else is taken on trust.
        var type = detected == "text/plain" && claimed.StartsWith("text/", StringComparison.Ordinal) && !Scriptable.Contains(claimed) ? claimed : detected;
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var downloadOnly = Scriptable.Contains(type) || ScriptableExtensions.Contains(extension) || Scriptable.Contains(claimed);
        var kind = InlineImages.Contains(type) && !downloadOnly ? "image" : "file";
        return new Sniffed(type, kind, downloadOnly, contradicts);
    }

    private static string Normalize(string type) => (type.Split(';')[0].Trim().ToLowerInvariant()) switch
    {
        "" => "application/octet-stream",
        "image/jpg" or "image/pjpeg" => "image/jpeg",
        var t => t,
    };

    private static string Detect(ReadOnlySpan<byte> b, string claimed)
    {
        if (b.StartsWith(Png)) return "image/png";
        if (b.StartsWith(Jpeg)) return "image/jpeg";
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return "image/gif";
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (b.StartsWith("%PDF-"u8)) return "application/pdf";
        if (b.StartsWith("PK\x03\x04"u8)) return "application/zip";
        if (b.StartsWith(Gzip)) return "application/gzip";
        if (b.IndexOf((byte)0) >= 0) return "application/octet-stream";
        var text = Encoding.UTF8.GetString(b.StartsWith(Utf8Bom) ? b[3..] : b).TrimStart().ToLowerInvariant();
        if (text.StartsWith("<svg", StringComparison.Ordinal) || (text.StartsWith("<?xml", StringComparison.Ordinal) && text.Contains("<svg", StringComparison.Ordinal)))
            return "image/svg+xml";
        if (text.StartsWith("<!doctype html", StringComparison.Ordinal) || text.StartsWith("<html", StringComparison.Ordinal)
            || text.StartsWith("<script", StringComparison.Ordinal) || text.StartsWith("<head", StringComparison.Ordinal) || text.StartsWith("<body", StringComparison.Ordinal))
            return "text/html";
        if (text.StartsWith("<?xml", StringComparison.Ordinal)) return "application/xml";
        if (claimed is "application/javascript" or "text/javascript") return "application/javascript";
        return "text/plain";
    }

    // What the bytes prove false: an image that is not that image, a PDF that is not a PDF, text that is binary.
    private static bool Contradicts(string claimed, string detected)
    {
        if (claimed == "application/octet-stream" || claimed == detected) return false;
        if (claimed.StartsWith("image/", StringComparison.Ordinal) && claimed != "image/svg+xml") return true;
        if (claimed == "image/svg+xml") return detected != "image/svg+xml";
        if (claimed == "application/pdf") return true;
        if (claimed.StartsWith("text/", StringComparison.Ordinal) || claimed is "application/json" or "application/javascript")
            return detected is not ("text/plain" or "text/html" or "application/xml" or "application/javascript");
        // Office documents and other zip-based formats are zips.
        if (detected == "application/zip") return false;
        // Any other claim is only contradicted by a well-known binary format.
        return detected is "image/png" or "image/jpeg" or "image/gif" or "image/webp" or "application/pdf";
    }

    /// <summary>
    /// A file name safe to show and to put in a Content-Disposition: no folders, no control or reserved
    /// characters, at most 200 characters (keeping the extension); "file" when nothing is left.
    /// </summary>
    public static string SafeName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/').Split('/')[^1];
        var sb = new StringBuilder(last.Length);
        // By rune, so an unpaired surrogate is replaced and an emoji kept.
        foreach (var r in Text.TextRules.HasNul(last) ? last.Replace('\0', '_').EnumerateRunes() : last.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (Rune.IsControl(r) || r == Rune.ReplacementChar || (r.IsAscii && "<>:\"|?*;%".Contains((char)r.Value))) sb.Append('_');
            else if (Rune.IsWhiteSpace(r)) sb.Append(' ');
            else sb.Append(r.ToString());
        }
        var clean = System.Text.RegularExpressions.Regex.Replace(sb.ToString(), " {2,}", " ").Trim().Trim('.').Trim();
        if (clean.Length > 200)
        {
            var ext = Path.GetExtension(clean);
            clean = ext.Length is > 0 and <= 16 ? clean[..(200 - ext.Length)] + ext : clean[..200];
        }
        return clean.Length == 0 ? "file" : clean;
    }
}
