using System.Text.Json;

namespace AgentLink.Core.Text;

/// <summary>
/// Text that may reach the database. PostgreSQL cannot store a NUL character in text (it refuses
/// the value with 22021), and an unpaired UTF-16 surrogate has no UTF-8 form at all, so both are
/// refused at every entry: HTTP bodies, query strings, route values and agents' MQTT payloads.
/// </summary>
public static class TextRules
{
    /// <summary>True when the text holds a NUL or an unpaired surrogate.</summary>
    public static bool HasNul(string? text) => text is not null && (text.Contains('\0') || !IsWellFormed(text));

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            return false;
        }
        return true;
    }

    /// <summary>
    /// Where a JSON document holds text that cannot be stored (a NUL, an unpaired surrogate): the name
    /// of the property whose name or string value has it ("" when it is not inside a property), or
    /// null when there is none. Throws JsonException for a document that is not JSON.
    /// </summary>
    public static string? FindNul(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var property = "";
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String)) continue;
            // Null when the bytes or escapes do not make a string (invalid UTF-8, an escaped lone surrogate).
            var text = Read(ref reader);
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                if (text is null) return "(a property name)";
                if (HasNul(text)) return Printable(text);
                property = text;
            }
            else if (text is null || HasNul(text))
            {
                return Printable(property);
            }
        }
        return null;
    }

    private static string? Read(ref Utf8JsonReader reader)
    {
        try { return reader.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private static string Printable(string name) => name.Replace("\0", "\\u0000");
}
