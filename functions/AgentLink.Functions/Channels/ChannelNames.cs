using System.Text.RegularExpressions;

namespace AgentLink.Functions.Channels;

/// <summary>
/// A channel's name is its slug: lowercase, spaces to hyphens, letters of any script kept
/// ("café-équipe", "日本語"). Format characters (bidi overrides, zero-width joiners), symbols and
/// punctuation other than '-' and '_' are refused, so a name cannot disguise itself as another.
/// It is stored in NFC by PostgreSQL's normalize(): this process runs with invariant
/// globalization, which does not normalize.
/// </summary>
public static partial class ChannelNames
{
    public const int MaxLength = 80;
    public const string Rule = "Use letters (any language), digits, '-' and '_'.";
    /// <summary>The SQL that stores @name.</summary>
    public const string Normalized = "normalize(@name, NFC)";

    public static string Slug(string? name) =>
        string.Join('-', (name ?? "").Trim().TrimStart('#').ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static bool IsValid(string slug) => Pattern().IsMatch(slug);

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{M}\p{N}_-]*$")]
    private static partial Regex Pattern();
}
