using System.Net;
using System.Text;
using Relay.Tests.Root.Infrastructure;
using Relay.Tls.Certificates;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Root;

/// <summary>
/// Checks of the mTLS test harness itself, independent of Relay's mTLS data path: the packet capture sees
/// plaintext, the raw TLS probe really sends the (bad) client certificate it is given, the TLS file sets are
/// valid credentials readable by the relay user (and the mismatched-key set really is invalid), the rendered
/// mesh.yaml passes `relay validate`, and metric scraping reads Relay's counters.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class MtlsInfrastructureTests
{
    [Fact]
    public async Task PacketCapture_PlaintextBetweenHosts_ContainsSentMarkerOnly()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var app = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        var sent = $"capture-sent-{Guid.NewGuid():N}";
        var notSent = $"capture-not-sent-{Guid.NewGuid():N}";

        await using var capture = await PacketCapture.StartAsync(mesh.A);
        var echo = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, MeshConfigs.ServicePort), Encoding.ASCII.GetBytes(sent));
        var traffic = await capture.StopAsync();

        Assert.Equal(sent, Encoding.ASCII.GetString(echo));
        Assert.True(traffic.Contains(sent), $"marker not captured: {traffic}");
        Assert.False(traffic.Contains(notSent), $"capture matched a marker never sent: {traffic}");
    }

    [Fact]
    public async Task TlsProbe_InvalidClientCertificate_IsSentAsGivenWithTheRequestedAlpn()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        using var ca = TestCa.Create();
        using var serverCa = TestCa.Create();
        var now = DateTimeOffset.UtcNow;
        // Two URI SANs and CA:true: a certificate any careful client library might refuse to present.
        using var bad = ca.Issue(new LeafOptions([MeshIdentities.Host("x"), MeshIdentities.Host("y")], now.AddMinutes(-5), now.AddHours(1)) { IsCa = true });
        using var serverCert = serverCa.Issue(MeshIdentities.Host("b"));
        await using var app = TlsEchoServer.Start(mesh.B, 9443, serverCert, askForClientCertificate: true);
        var payload = Encoding.ASCII.GetBytes($"probe-{Guid.NewGuid():N}");

        var probe = await TlsProbe.ExchangeAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, 9443), MeshAlpn.Token, bad, payload);

        Assert.True(probe.Echoed(payload), probe.ToString());
        Assert.Equal(serverCert.Thumbprint, probe.ServerCertificate?.Thumbprint);
        Assert.Equal("Tls13", probe.Protocol);
        Assert.Equal(bad.Thumbprint, Assert.Single(app.ClientCertificates).Thumbprint);
    }

    [Fact]
    public async Task TlsFileSet_ValidThenMismatchedKey_LoaderAgreesAndRelayUserCanReadTheKey()
    {
        RootRequirement.Assert();
        using var ca = TestCa.Create();
        using var leaf = ca.Issue(MeshIdentities.Host("a"));
        using var other = ca.Issue(MeshIdentities.Host("a"));
        using var files = await TlsFileSet.CreateAsync("infra", leaf, ca.Root);
        var user = await RelayUser.EnsureAsync();

        var valid = Load(files);
        var readAsRelay = await ProcessRunner.RunAsync("setpriv", $"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups", "cat", files.Paths.Key);
        await files.ReplaceKeyAsync(other);
        var mismatched = Load(files);
        await files.ReplaceAsync(other, ca.Root);
        var replaced = Load(files);

        Assert.True(valid.Succeeded, string.Join("; ", valid.Errors));
        Assert.Equal(MeshIdentities.Host("a"), valid.Credentials!.SpiffeId.ToString());
        Assert.True(readAsRelay.Succeeded && readAsRelay.Stdout.Contains("PRIVATE KEY", StringComparison.Ordinal), readAsRelay.ToString());
        Assert.False(mismatched.Succeeded, "a key from another certificate was accepted");
        Assert.True(replaced.Succeeded, string.Join("; ", replaced.Errors));
        Assert.Equal(other.Thumbprint, replaced.Credentials!.Leaf.Thumbprint);
    }

    [Fact]
    public async Task MeshYaml_WithTlsIdentitiesModesAndAllowLists_PassesRelayValidate()
    {
        RootRequirement.Assert();
        using var ca = TestCa.Create();
        using var files = await TlsFileSet.CreateAsync("yaml", ca.Issue(MeshIdentities.Host("b")), ca.Root);
        var user = await RelayUser.EnsureAsync();
        var options = new MeshYamlOptions
        {
            Identity = MeshIdentities.Host("b"),
            Tls = files.Paths,
            Inbound = [new InboundSpec(8080, "strict", [MeshIdentities.Host("a"), $"spiffe://{MeshIdentities.TrustDomain}/*"]), new InboundSpec(9090, "permissive")],
            Services =
            [
                new ServiceSpec("echo", 8080, ["198.18.0.1:8080", "[fd00::1]:8080"]) { MeshTls = true, Identities = [MeshIdentities.Host("a")] },
                new ServiceSpec("plain", 9090, ["198.18.0.1:9090"]),
            ],
        };
        var path = Path.Combine(files.Directory, "mesh.yaml");
        await File.WriteAllTextAsync(path, options.Render(user.Name));

        var binary = await DaemonBinaries.BinaryAsync();
        var result = await ProcessRunner.RunAsync(binary.Argv()[0], [.. binary.Argv("validate", path).Skip(1)]);

        Assert.True(result.Succeeded, $"{result}\n{options.Render(user.Name)}");
    }

    [Fact]
    public async Task MetricsScrape_AfterOneProxiedConnection_ReadsTheClosedCounter()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        await using var app = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        await mesh.StartRelayAsync(mesh.B, MeshConfigs.Server());
        var relayA = await mesh.StartRelayAsync(mesh.A, MeshConfigs.Client(mesh.B.IPv4!));

        await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, MeshConfigs.ServicePort), [1, 2, 3]);
        await AccessLog.ExactlyAsync(relayA, 1);
        var scrape = await MetricsScrape.GetAsync(mesh.A);

        Assert.Equal(1, scrape.Sum(MtlsRejection.ClosedTotal, ("direction", "outbound"), ("reason", "completed")));
        Assert.Equal(0, scrape.Sum(MtlsRejection.ClosedTotal, ("direction", "inbound")));
        Assert.Equal(0, scrape.Sum("relay_metric_that_does_not_exist_total"));
    }

    private static CredentialLoadResult Load(TlsFileSet files) =>
        CredentialLoader.Load(files.Paths.Cert, files.Paths.Key, files.Paths.TrustBundle, MeshIdentities.TrustDomain);
}
