using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

/// <summary>YAML tags change how a value is read without showing it; mesh.yaml has no use for them (issue 17 §8).</summary>
[Trait("Tier", "Unit")]
public sealed class YamlTagAndAliasTests
{
    [Theory]
    [InlineData("limits:\n  max_connections: !!str 8080\n", 4, 20, "limits.max_connections", "!!str")]
    [InlineData("tls:\n  cert: !!binary aGVsbG8=\n", 4, 9, "tls.cert", "!!binary")]
    [InlineData("limits: !custom\n  max_connections: 5\n", 3, 9, "limits", "!custom")]
    public void Load_Tag_RejectedAtTagPosition(string section, int line, int column, string keyPath, string tag)
    {
        var errors = Load(MeshHeader + section).Errors;

        var error = Assert.Single(errors, e => e.Message.Contains("tag", StringComparison.Ordinal));
        AssertError(error, line, column, keyPath, $"YAML tag '{tag}'");
    }

    [Fact]
    public void Load_DocumentTag_Rejected()
    {
        var error = Assert.Single(Load("--- !foo\n" + MeshHeader).Errors);

        Assert.Equal((1, 5), (error.Line, error.Column));
        Assert.Contains("YAML tag '!foo'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UndefinedAlias_ReportedAtTheAlias()
    {
        var error = SingleError(MeshHeader + "limits:\n  max_connections: *nope\n");

        AssertError(error, 4, 20, "limits.max_connections", "alias '*nope' refers to no anchor defined before it");
    }

    [Fact]
    public void Load_DefinedAlias_StillWorks()
    {
        var snapshot = Valid(MeshHeader + "limits:\n  connect_timeout: &t 3s\n  drain_timeout: *t\n");

        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.Limits.DrainTimeout);
    }
}
