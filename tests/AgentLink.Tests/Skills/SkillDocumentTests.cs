using AgentLink.Functions.Skills;

namespace AgentLink.Tests.Skills;

public sealed class SkillDocumentTests
{
    private const string Good = """
        ---
        name: release-notes
        description: Writes release notes from merged pull requests.
        version: 1.2.0
        license: Apache-2.0
        metadata:
          author: ann
          audience: customers
        ---
        # Release notes

        1. Read the merged pull requests.
        2. Group them by area.
        """;

    [Fact]
    public void A_well_formed_SKILL_md_is_read_field_by_field()
    {
        var (skill, errors) = SkillDocument.Parse(Good);
        Assert.Empty(errors);
        Assert.Equal("release-notes", skill!.Name);
        Assert.Equal("Writes release notes from merged pull requests.", skill.Description);
        Assert.Equal("1.2.0", skill.Version);
        Assert.Equal("Apache-2.0", skill.License);
        Assert.Equal("customers", skill.Metadata["audience"]);
        Assert.StartsWith("# Release notes", skill.Body);
        Assert.Equal(SkillDocument.Parse(Good.Replace("\n", "\r\n")).Skill!.ContentHash, skill.ContentHash);
        Assert.NotEqual(SkillDocument.Parse(Good + "\n3. Publish.").Skill!.ContentHash, skill.ContentHash);
    }

    [Theory]
    [InlineData("# just markdown", 1, "front matter", "starts with a --- line")]
    [InlineData("---\nname: x\ndescription: y\n", 1, "front matter", "not closed")]
    [InlineData("---\nname: Release Notes\ndescription: y\n---\nbody", 2, "name", "Lowercase letters")]
    [InlineData("---\nname: -notes\ndescription: y\n---\nbody", 2, "name", "hyphen")]
    [InlineData("---\nname: notes\n---\nbody", 2, "description", "Required")]
    [InlineData("---\nname: notes\ndescription: [a, b]\n---\nbody", 3, "description", "Must be text")]
    [InlineData("---\nname: notes\ndescription: fine\nmetadata: plain\n---\nbody", 4, "metadata", "A map")]
    [InlineData("---\nname: notes\ndescription: fine\n---\n\n", 5, "body", "empty")]
    [InlineData("---\nname: notes\ndescription: \"unclosed\n---\nbody", 3, "front matter", "Not valid YAML")]
    public void Bad_front_matter_is_refused_with_its_line_and_field(string text, int line, string field, string message)
    {
        var (skill, errors) = SkillDocument.Parse(text);
        Assert.Null(skill);
        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message);
    }
}
