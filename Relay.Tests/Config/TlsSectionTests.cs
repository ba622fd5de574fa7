using System.Security.Authentication;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class TlsSectionTests
{
    private const string FullTls = "tls:\n  cert: /c.pem\n  key: /k.pem\n  trust_bundle: /ca.pem\n";

    [Fact]
    public void Load_TlsWithoutFiles_EachFileRequired()
    {
        var errors = Load(MeshHeader + "tls:\n  min_version: \"1.3\"\n").Errors;

        Assert.Equal(3, errors.Count);
        AssertError(errors[0], 4, 3, "tls.cert", "required key is missing");
        AssertError(errors[1], 4, 3, "tls.key", "required key is missing");
        AssertError(errors[2], 4, 3, "tls.trust_bundle", "required key is missing");
    }

    [Fact]
    public void Load_UnsupportedMinVersion_Reported()
    {
        var error = SingleError(MeshHeader + FullTls + "  min_version: \"1.1\"\n");

        AssertError(error, 7, 16, "tls.min_version", "'1.1' is not one of: 1.2, 1.3");
    }

    [Theory]
    [InlineData("\"1.2\"", SslProtocols.Tls12)]
    [InlineData("1.3", SslProtocols.Tls13)]
    public void Load_MinVersion_Compiled(string written, SslProtocols expected)
    {
        var snapshot = Valid(MeshHeader + FullTls + $"  min_version: {written}\n");

        Assert.Equal(expected, snapshot.Tls!.MinVersion);
    }

    [Fact]
    public void Load_NoMinVersion_DefaultsToTls13()
    {
        Assert.Equal(SslProtocols.Tls13, Valid(MeshHeader + FullTls).Tls!.MinVersion);
    }

    [Fact]
    public void Load_RelativePaths_ResolvedAgainstConfigDirectory()
    {
        var result = Relay.Core.Config.ConfigLoader.LoadText(MeshHeader + "tls:\n  cert: tls/c.pem\n  key: /abs/k.pem\n  trust_bundle: ../ca.pem\n", "/etc/relay/mesh.yaml");

        var tls = result.Snapshot!.Tls!;
        Assert.Equal(("/etc/relay/tls/c.pem", "/abs/k.pem", "/etc/ca.pem"), (tls.CertPath, tls.KeyPath, tls.TrustBundlePath));
    }

    [Fact]
    public void Load_NoTlsSection_NullTls()
    {
        Assert.Null(Valid(MeshHeader).Tls);
    }
}
