using System.Net;
using System.Security.Authentication;
using Relay.Core.Config;
using Relay.Core.Net;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class ExampleConfigTests
{
    private static readonly string ExamplePath = Path.Combine(ConfigTestFiles.RepoRoot(), "systemd", "mesh.yaml");

    [Fact]
    public void LoadFile_ShippedExample_IsValid()
    {
        var result = ConfigLoader.LoadFile(ExamplePath);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var snapshot = result.Snapshot!;
        Assert.Equal("corp.example", snapshot.Mesh.TrustDomain);
        Assert.Equal("spiffe://corp.example/host/vm-a", snapshot.Mesh.Identity);
        Assert.Equal(SslProtocols.Tls13, snapshot.Tls!.MinVersion);
        Assert.Equal("/etc/relay/tls/cert.pem", snapshot.Tls.CertPath);
        Assert.Equal(ExamplePath, snapshot.SourcePath);
        Assert.Equal(File.ReadAllText(ExamplePath), snapshot.SourceText);
    }

    [Fact]
    public void LoadFile_ShippedExample_CompilesInboundAndRoutes()
    {
        var snapshot = ConfigLoader.LoadFile(ExamplePath).Snapshot!;

        var inbound = snapshot.InboundByPort[8080];
        Assert.Equal(MtlsMode.Permissive, inbound.Mtls);
        Assert.Equal(2, inbound.Allow!.Value.Length);
        Assert.Equal(["orders", "billing", "legacy-ldap"], snapshot.Services.Select(s => s.Name));
        var orders = snapshot.Routes.Lookup(new OriginalDestination(new NetEndpoint(IPAddress.Parse("fd00::2"), 8080)));
        Assert.Equal("orders", orders!.Name);
        var virtualAddress = snapshot.Routes.Lookup(new OriginalDestination(new NetEndpoint(IPAddress.Parse("198.18.10.1"), 8080)));
        Assert.Same(orders, virtualAddress);
        Assert.False(snapshot.Services.Single(s => s.Name == "legacy-ldap").MeshTls);
    }
}
