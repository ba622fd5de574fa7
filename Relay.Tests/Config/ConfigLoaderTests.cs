using System.Text;
using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("relay-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadFile_Missing_ReturnsFileError()
    {
        var path = Path.Combine(_dir, "absent.yaml");

        var result = ConfigLoader.LoadFile(path);

        var error = Assert.Single(result.Errors);
        Assert.False(result.IsValid);
        Assert.Equal((path, 0, 0, "(file)"), (error.File, error.Line, error.Column, error.KeyPath));
        Assert.Contains("cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_InvalidUtf8_ReturnsFileError()
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(MeshHeader), 0xFF, 0xFE, (byte)'\n']);

        var error = Assert.Single(ConfigLoader.LoadFile(path).Errors);

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_WithBom_LoadsAndHashesFileBytes()
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(MeshHeader)];
        File.WriteAllBytes(path, bytes);

        var snapshot = ConfigLoader.LoadFile(path).Snapshot!;

        Assert.Equal(MeshHeader, snapshot.SourceText);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..12];
        Assert.Equal(expected, snapshot.Revision);
    }

    [Fact]
    public void LoadFile_TooLarge_Rejected()
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(path, MeshHeader + new string('#', ConfigLoader.MaxFileBytes));

        var error = Assert.Single(ConfigLoader.LoadFile(path).Errors);

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Revision_SameContent_SameRevision_DifferentContent_Changes()
    {
        var path = Path.Combine(_dir, "mesh.yaml");
        File.WriteAllText(path, MeshHeader);

        var fromFile = ConfigLoader.LoadFile(path).Snapshot!.Revision;
        var fromText = Valid(MeshHeader).Revision;
        var changed = Valid(MeshHeader + "# a comment changes the bytes\n").Revision;

        Assert.Matches("^[0-9a-f]{12}$", fromFile);
        Assert.Equal(fromFile, fromText);
        Assert.NotEqual(fromFile, changed);
    }

    [Fact]
    public void Load_ManyErrors_AllReportedInFileOrder()
    {
        var yaml = "mesh:\n  trust_domain: Corp\ncapture:\n  outbound_port: 0\nlimits:\n  idle_timeout: 5 minutes\n  buffer_size: 1\n";

        var errors = Load(yaml).Errors;

        Assert.Equal(4, errors.Count);
        AssertError(errors[0], 2, 17, "mesh.trust_domain", "not a SPIFFE trust domain");
        AssertError(errors[1], 4, 18, "capture.outbound_port", "must be between 1 and 65535, got 0");
        AssertError(errors[2], 6, 17, "limits.idle_timeout", "not a duration");
        AssertError(errors[3], 7, 16, "limits.buffer_size", "must be between 4096 and 1048576, got 1");
    }

    [Fact]
    public void ConfigError_ToString_IsFileLineColumnPathMessage()
    {
        var error = new ConfigError("/etc/relay/mesh.yaml", 12, 7, "services.orders.endpoints[1]", "bad");

        Assert.Equal("/etc/relay/mesh.yaml:12:7: services.orders.endpoints[1]: bad", error.ToString());
    }

    [Fact]
    public void LoadText_SnapshotKeepsSourcePathAndText()
    {
        var snapshot = ConfigLoader.LoadText(MeshHeader, "/tmp/x/mesh.yaml").Snapshot!;

        Assert.Equal("/tmp/x/mesh.yaml", snapshot.SourcePath);
        Assert.Equal(MeshHeader, snapshot.SourceText);
    }
}
