using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentLink.Functions.Skills;

/// <summary>A problem in a SKILL.md, with the line (1-based, of the whole file) and the field it is about.</summary>
public sealed record SkillError(int Line, string Field, string Message)
{
    public override string ToString() => $"line {Line}: {Field}: {Message}";
}

/// <summary>
/// An Agent Skills <c>SKILL.md</c>: YAML front matter between <c>---</c> lines (<c>name</c> and
/// <c>description</c> required; <c>version</c>, <c>license</c>, <c>metadata</c> optional) and a
/// markdown body. The name is the skill's slug: lowercase letters, digits and single hyphens, up to
/// 64, not starting or ending with a hyphen.
/// </summary>
public sealed partial record SkillDocument(string Name, string Description, string? Version, string? License,
    IReadOnlyDictionary<string, string> Metadata, string Body, string Content)
{
    public const int MaxName = 64;
    public const int MaxDescription = 1024;
    public const int MaxContentBytes = 256 * 1024;

    /// <summary>The SHA-256 of the content (line endings normalized): an unchanged re-import is not a new version.</summary>
    public string ContentHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Content)));

    public static (SkillDocument? Skill, IReadOnlyList<SkillError> Errors) Parse(string? text)
    {
        var errors = new List<SkillError>();
        var content = (text ?? "").Replace("\r\n", "\n").Replace('\r', '\n');
        if (Encoding.UTF8.GetByteCount(content) > MaxContentBytes)
            return (null, [new SkillError(1, "content", $"Larger than {MaxContentBytes / 1024} KiB.")]);
        var lines = content.Split('\n');
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0 || lines[first].Trim() != "---")
            return (null, [new SkillError(first < 0 ? 1 : first + 1, "front matter", "A SKILL.md starts with a --- line, then name: and description:, then another --- line.")]);
        var close = Array.FindIndex(lines, first + 1, l => l.Trim() == "---");
        if (close < 0) return (null, [new SkillError(first + 1, "front matter", "The front matter is not closed by a --- line.")]);

        var yaml = string.Join('\n', lines[(first + 1)..close]);
        YamlMappingNode map;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode m)
                return (null, [new SkillError(first + 2, "front matter", "Expected fields such as name: and description:.")]);
            map = m;
        }
        catch (YamlException ex)
        {
            return (null, [new SkillError(first + 1 + (int)ex.Start.Line, "front matter", $"Not valid YAML: {ex.InnerException?.Message ?? ex.Message}")]);
        }

        int LineOf(YamlNode node) => first + 1 + (int)node.Start.Line;
        string? Scalar(string key, bool required)
        {
            var entry = map.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && k.Value == key);
            if (entry.Key is null)
            {
                if (required) errors.Add(new SkillError(first + 2, key, "Required."));
                return null;
            }
            if (entry.Value is not YamlScalarNode v) { errors.Add(new SkillError(LineOf(entry.Value), key, "Must be text, not a list or a map.")); return null; }
            return v.Value?.Trim();
        }

        var name = Scalar("name", required: true);
        if (name is not null && !NamePattern().IsMatch(name))
            errors.Add(new SkillError(LineOf(map.Children.First(c => ((YamlScalarNode)c.Key).Value == "name").Value), "name",
                $"Lowercase letters, digits and single hyphens, 1 to {MaxName}, not starting or ending with a hyphen (\"{name}\")."));
        var description = Scalar("description", required: true);
        if (description is not null && (description.Length == 0 || description.Length > MaxDescription))
            errors.Add(new SkillError(LineOf(map.Children.First(c => ((YamlScalarNode)c.Key).Value == "description").Value), "description",
                $"1 to {MaxDescription} characters."));
        var version = Scalar("version", required: false);
        var license = Scalar("license", required: false);
        var metadata = new Dictionary<string, string>();
        var meta = map.Children.FirstOrDefault(c => c.Key is YamlScalarNode k && k.Value == "metadata");
        if (meta.Key is not null)
        {
            if (meta.Value is YamlMappingNode entries)
            {
                foreach (var (k, v) in entries.Children)
                {
                    if (k is YamlScalarNode ks && v is YamlScalarNode vs) metadata[ks.Value ?? ""] = vs.Value ?? "";
                    else errors.Add(new SkillError(LineOf(k), "metadata", "Each metadata entry is key: text."));
                }
            }
            else errors.Add(new SkillError(LineOf(meta.Value), "metadata", "A map of key: text."));
        }
        var body = string.Join('\n', lines[(close + 1)..]).Trim('\n');
        if (body.Trim().Length == 0) errors.Add(new SkillError(close + 2, "body", "The instructions (markdown after the front matter) are empty."));
        return errors.Count > 0 ? (null, errors) : (new SkillDocument(name!, description!, version, license, metadata, body, content), errors);
    }

    [GeneratedRegex("^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
