using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class YamlSyntaxTests
{
    [Fact]
    public void Load_SyntaxError_ReportedAtLineAndColumn()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound_port: 1\n    inbound_port: 2\n");

        AssertError(error, 5, 17, "capture", "YAML syntax error");
    }

    [Fact]
    public void Load_UnclosedFlowList_ReportedAsSyntaxError()
    {
        // YamlDotNet 18.1 throws InvalidOperationException here instead of a YamlException.
        var error = SingleError(MeshHeader + "capture:\n  exclude_inbound_ports: [22, 23\n  ipv6: true\n");

        Assert.Equal(ConfigTestFiles.FileName, error.File);
        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
    }

    [Fact]
    public void Load_TagDirectiveWithInvalidPrefix_ReportedAsSyntaxError()
    {
        // Found by ConfigFuzzTests (seed 9199): YamlDotNet's TagName threw ArgumentException.
        var result = Load("%TAG ! tag:x,2000:\x01\n--- !a\n" + MeshHeader);

        Assert.False(result.IsValid);
        Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString()));
    }

    [Fact]
    public void Load_ColonWithoutKeyInBlockMapping_ReportedAsSyntaxError()
    {
        // Found by ConfigFuzzTests: YamlDotNet's node builder threw ArgumentException here, which
        // escaped the loader (an unhandled exception in `relay validate`).
        var error = SingleError(MeshHeader + "limits:\n :  max_connections: 10000\n  connect_timeout: 2s\n");

        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
    }

    [Fact]
    public void Load_DuplicateKey_ReportedWithFirstPosition()
    {
        var error = SingleError(MeshHeader + "limits:\n  max_connections: 5\n  max_connections: 6\n");

        AssertError(error, 5, 3, "limits.max_connections", "duplicate key 'max_connections' (first given at line 4, column 3)");
    }

    [Fact]
    public void Load_DuplicateKeys_AllReportedAndLoadingContinues()
    {
        var yaml = MeshHeader + "mesh:\n  trust_domain: other\nservices:\n  a:\n    port: 1\n    port: 2\n    endpoints: [1.2.3.4:1]\n    bogus: 1\n";

        var errors = Load(yaml).Errors;

        Assert.Equal(3, errors.Count);
        AssertError(errors[0], 3, 1, "mesh", "duplicate key 'mesh'");
        AssertError(errors[1], 8, 5, "services.a.port", "duplicate key 'port'");
        AssertError(errors[2], 10, 5, "services.a.bogus", "unknown key 'bogus'");
    }

    [Fact]
    public void Load_DuplicateKeyInListItem_PathHasIndex()
    {
        var error = SingleError(MeshHeader + "inbound:\n  - port: 80\n  - port: 81\n    port: 82\n");

        AssertError(error, 6, 5, "inbound[1].port", "duplicate key 'port'");
    }

    [Fact]
    public void Load_UnknownKey_SuggestsClosestKnownKey()
    {
        var error = SingleError("mesh:\n  trust_domian: corp.example\n  trust_domain: corp.example\n");

        AssertError(error, 2, 3, "mesh.trust_domian", "unknown key 'trust_domian'; did you mean 'trust_domain'?");
    }

    [Fact]
    public void Load_UnknownKeyNotCloseToAny_ListsKnownKeys()
    {
        var error = SingleError(MeshHeader + "whatever: 1\n");

        AssertError(error, 3, 1, "whatever", "known keys: mesh, tls, capture, admin, limits, inbound, services");
    }

    [Fact]
    public void Load_DashInsteadOfUnderscore_Suggested()
    {
        var error = SingleError(MeshHeader + "capture:\n  outbound-policy: passthrough\n");

        AssertError(error, 4, 3, "capture.outbound-policy", "did you mean 'outbound_policy'?");
    }

    [Fact]
    public void Load_EmptyFile_RequiresMesh()
    {
        var error = SingleError("# nothing but a comment\n");

        AssertError(error, 1, 1, "(root)", "no YAML document");
    }

    [Fact]
    public void Load_RootIsList_Rejected()
    {
        var error = SingleError("- mesh\n");

        AssertError(error, 1, 1, "(root)", "expected a mapping");
    }

    [Fact]
    public void Load_SecondDocument_Rejected()
    {
        var error = SingleError(MeshHeader + "---\nmesh:\n  trust_domain: x\n");

        AssertError(error, 4, 1, "(root)", "exactly one YAML document");
    }

    [Fact]
    public void Load_MissingMesh_Required()
    {
        var error = SingleError("admin:\n  address: 127.0.0.1:15000\n");

        AssertError(error, 1, 1, "mesh", "required key is missing");
    }

    [Fact]
    public void Load_SectionOfWrongType_Reported()
    {
        var error = SingleError(MeshHeader + "limits: [1, 2]\n");

        AssertError(error, 3, 9, "limits", "expected a mapping (key: value), got a list");
    }
}
