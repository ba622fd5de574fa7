using System.Net;
using System.Text;
using Relay.Tests.Root.Infrastructure;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Root;

/// <summary>
/// Mesh traffic between two Relays is mutual TLS on the wire (issue 3): a packet capture on A's link never
/// holds the client's payload marker, while a plaintext control marker sent in the same capture (service with
/// mesh_tls: false) is found, proving the capture sees payloads. Both access logs name the other's SPIFFE ID.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class MtlsTrafficTests
{
    private const int MeshPort = MeshConfigs.ServicePort;
    private const int PlainPort = 9090;

    [Fact]
    public async Task MeshTraffic_OnTheLink_IsTlsAndBothRelaysLogThePeersSpiffeId()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        using var ca = TestCa.Create();
        var (idA, idB) = (MeshIdentities.Host(mesh.A), MeshIdentities.Host(mesh.B));
        using var tlsA = await TlsFileSet.CreateAsync("a", ca.Issue(idA), ca.Root);
        using var tlsB = await TlsFileSet.CreateAsync("b", ca.Issue(idB), ca.Root);
        await using var meshApp = EchoServer.Start(mesh.B, MeshPort);
        await using var plainApp = EchoServer.Start(mesh.B, PlainPort);
        var relayB = await mesh.StartRelayAsync(mesh.B, MtlsConfigs.Server(mesh, tlsB.Paths,
            new InboundSpec(MeshPort, "strict", [idA]), new InboundSpec(PlainPort, "permissive")));
        var relayA = await mesh.StartRelayAsync(mesh.A, MtlsConfigs.Client(mesh, tlsA.Paths,
            new ServiceSpec("plain", PlainPort, [AccessLog.Format(mesh.B.IPv4!, PlainPort)]) { MeshTls = false }));
        var secret = Encoding.ASCII.GetBytes($"mesh-secret-{Guid.NewGuid():N}");
        var control = Encoding.ASCII.GetBytes($"plain-control-{Guid.NewGuid():N}");

        await using var capture = await PacketCapture.StartAsync(mesh.A);
        var secretEcho = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, MeshPort), secret);
        var controlEcho = await TcpExchange.EchoAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, PlainPort), control);
        var linesA = await AccessLog.ExactlyAsync(relayA, 2);
        var linesB = await AccessLog.ExactlyAsync(relayB, 2);
        var traffic = await capture.StopAsync();

        Assert.Equal(secret, secretEcho);
        Assert.Equal(control, controlEcho);
        Assert.True(traffic.Contains(control), $"capture misses the plaintext control marker, so it proves nothing: {traffic}");
        Assert.True(traffic.Contains(MeshAlpn.TokenBytes), $"no ClientHello offering {MeshAlpn.Token} crossed the link: {traffic}");
        Assert.False(traffic.Contains(secret), $"the mesh payload marker crossed the link in plaintext: {traffic}");
        var outbound = Assert.Single(linesA, l => l.Service == "echo");
        var inbound = Assert.Single(linesB, l => l.Dst.EndsWith($":{MeshPort}", StringComparison.Ordinal));
        Assert.Equal(("completed", MtlsAccessLog.Tls13, idB), (outbound.Reason, outbound.Tls(), outbound.Peer()));
        Assert.Equal(("completed", MtlsAccessLog.Tls13, idA, "allow"), (inbound.Reason, inbound.Tls(), inbound.Peer(), inbound.Policy()));
        // Both ends log what the handshake settled on; the capture above only proves what was offered.
        Assert.Equal((MeshAlpn.FramedToken, MeshAlpn.FramedToken), (outbound.Alpn(), inbound.Alpn()));
        Assert.All(linesA.Concat(linesB).Where(l => l != outbound && l != inbound),
            l => Assert.Equal((MtlsAccessLog.None, MtlsAccessLog.None, MtlsAccessLog.None), (l.Tls(), l.Peer(), l.Alpn())));
    }
}
