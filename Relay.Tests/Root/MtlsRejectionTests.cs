using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Relay.Core.Vocabulary;
using Relay.Tests.Root.Infrastructure;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Root;

/// <summary>
/// Every way a mesh peer can be refused (issue 3): each attempt is closed with its counted reason and nothing
/// reaches the app. Bad client certificates come from host C, which runs no Relay (a Relay refuses to start
/// with an invalid certificate of its own), as a raw TLS client offering the relay ALPN.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class MtlsRejectionTests(MtlsMeshFixture fixture) : IClassFixture<MtlsMeshFixture>
{
    private const string Inbound = "inbound";
    private const string Outbound = "outbound";
    private const string CertificateInvalid = "tls_peer_certificate_invalid";

    private static string C => MeshIdentities.Host("c");

    [Fact]
    public async Task Control_ValidClientCertificateFromAllowedCaller_IsTerminatedAndEchoed()
    {
        RootRequirement.Assert();
        using var cert = fixture.Ca.Issue(C);
        var payload = Marker("control");
        var before = fixture.RelayB.AccessLines.Count;

        var probe = await TlsProbe.ExchangeAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.StrictPort), MeshAlpn.Token, cert, payload);

        Assert.True(probe.Echoed(payload), $"{probe}\n{fixture.RelayB}");
        Assert.Equal(MeshAlpn.Token, probe.NegotiatedAlpn);
        Assert.Equal(MeshIdentities.Host("b"), SpiffeOf(probe.ServerCertificate));
        var line = await MtlsAccessLog.SingleNewLineAsync(fixture.RelayB, before);
        Assert.Equal((Inbound, MtlsAccessLog.Tls13, C, "allow"), (line.Direction, line.Tls(), line.Peer(), line.Policy()));
    }

    [Fact]
    public async Task Outbound_ServerIdentityNotInServiceIdentities_ClosedTlsPeerIdentityRejected()
    {
        RootRequirement.Assert();
        var target = new IPEndPoint(fixture.Mesh.B.IPv6!, MtlsMeshFixture.StrictPort);
        byte[] echo = [];

        var outcome = await MtlsRejection.AssertRefusedAsync(fixture.RelayA, Outbound, "tls_peer_identity_rejected", fixture.StrictApp,
            async () => echo = await EchoOrNothingAsync(fixture.Mesh.A, target));

        Assert.Empty(echo);
        Assert.Equal("wrong-id", outcome.Line.Service);
        MtlsRejection.AssertHandshakeFailureCounted(outcome, Outbound, PeerRejectReason.IdentityNotAllowed.Label());
    }

    [Fact]
    public async Task Inbound_CallerNotInAllowList_ClosedPolicyDenied()
    {
        RootRequirement.Assert();
        byte[] echo = [];

        var outcome = await MtlsRejection.AssertRefusedAsync(fixture.RelayB, Inbound, "policy_denied", fixture.DeniedApp,
            async () => echo = await EchoOrNothingAsync(fixture.Mesh.A, fixture.B(MtlsMeshFixture.DeniedPort)));

        Assert.Empty(echo);
        Assert.Equal("deny", outcome.Line.Policy());
    }

    [Fact]
    public async Task Inbound_ExpiredClientCertificate_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        using var cert = fixture.Ca.IssueExpired(C);
        await AssertBadClientCertificateRefusedAsync(cert, PeerRejectReason.Expired);
    }

    [Fact]
    public async Task Inbound_NotYetValidClientCertificate_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        using var cert = fixture.Ca.IssueNotYetValid(C);
        await AssertBadClientCertificateRefusedAsync(cert, PeerRejectReason.NotYetValid);
    }

    [Fact]
    public async Task Inbound_ClientCertificateWithTwoUriSans_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        var now = DateTimeOffset.UtcNow;
        using var cert = fixture.Ca.Issue(new LeafOptions([C, MeshIdentities.Host("c2")], now.AddMinutes(-5), now.AddHours(1)));
        await AssertBadClientCertificateRefusedAsync(cert, PeerRejectReason.MultipleUriSans);
    }

    [Fact]
    public async Task Inbound_CaCertificateUsedAsClientLeaf_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        var now = DateTimeOffset.UtcNow;
        using var cert = fixture.Ca.Issue(new LeafOptions([C], now.AddMinutes(-5), now.AddHours(1)) { IsCa = true });
        await AssertBadClientCertificateRefusedAsync(cert, PeerRejectReason.CaAsLeaf);
    }

    [Fact]
    public async Task Inbound_ClientCertificateFromAnotherCa_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        using var otherCa = TestCa.Create();
        using var cert = otherCa.Issue(C);
        await AssertBadClientCertificateRefusedAsync(cert, PeerRejectReason.UntrustedChain);
    }

    [Fact]
    public async Task Inbound_NoClientCertificate_ClosedTlsHandshakeFailed()
    {
        RootRequirement.Assert();
        var payload = Marker("no-cert");
        TlsProbeResult? probe = null;

        var outcome = await MtlsRejection.AssertRefusedAsync(fixture.RelayB, Inbound, "tls_handshake_failed", fixture.StrictApp,
            async () => probe = await TlsProbe.ExchangeAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.StrictPort), MeshAlpn.Token, null, payload));

        Assert.True(probe!.Echo.Length == 0, $"a caller without a certificate got data back: {probe}");
        MtlsRejection.AssertHandshakeFailureCounted(outcome, Inbound);
    }

    /// <summary>B presents a certificate from CA2 while A trusts only CA1: A refuses B as a server.</summary>
    [Fact]
    public async Task Outbound_ServerCertificateFromAnotherCa_ClosedTlsPeerCertificateInvalid()
    {
        RootRequirement.Assert();
        await using var mesh = await MeshTopology.CreateAsync();
        using var ca1 = TestCa.Create();
        using var ca2 = TestCa.Create();
        using var tlsA = await TlsFileSet.CreateAsync("a", ca1.Issue(MeshIdentities.Host(mesh.A)), ca1.Root);
        using var tlsB = await TlsFileSet.CreateAsync("b", ca2.Issue(MeshIdentities.Host(mesh.B)), ca2.Root);
        await using var app = EchoServer.Start(mesh.B, MeshConfigs.ServicePort);
        await mesh.StartRelayAsync(mesh.B, MtlsConfigs.Server(mesh, tlsB.Paths));
        var relayA = await mesh.StartRelayAsync(mesh.A, MtlsConfigs.Client(mesh, tlsA.Paths));
        byte[] echo = [];

        var outcome = await MtlsRejection.AssertRefusedAsync(relayA, Outbound, CertificateInvalid, app,
            async () => echo = await EchoOrNothingAsync(mesh.A, new IPEndPoint(mesh.B.IPv4!, MeshConfigs.ServicePort)));

        Assert.Empty(echo);
        MtlsRejection.AssertHandshakeFailureCounted(outcome, Outbound, PeerRejectReason.UntrustedChain.Label());
    }

    private async Task AssertBadClientCertificateRefusedAsync(X509Certificate2 cert, PeerRejectReason expected)
    {
        var payload = Marker(expected.Label());
        TlsProbeResult? probe = null;

        var outcome = await MtlsRejection.AssertRefusedAsync(fixture.RelayB, Inbound, CertificateInvalid, fixture.StrictApp,
            async () => probe = await TlsProbe.ExchangeAsync(fixture.Mesh.C, fixture.B(MtlsMeshFixture.StrictPort), MeshAlpn.Token, cert, payload));

        Assert.True(probe!.Echo.Length == 0, $"a caller with a bad certificate got data back: {probe}");
        MtlsRejection.AssertHandshakeFailureCounted(outcome, Inbound, expected.Label());
    }

    /// <summary>An app's echo exchange that may be refused: returns what came back, empty on reset or refusal.</summary>
    private static async Task<byte[]> EchoOrNothingAsync(NetnsHost from, IPEndPoint to)
    {
        var payload = Marker("app");
        try
        {
            return await TcpExchange.EchoAsync(from, to, payload);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return [];
        }
    }

    private static byte[] Marker(string what) => Encoding.ASCII.GetBytes($"mtls-{what}-{Guid.NewGuid():N}");

    private static string? SpiffeOf(X509Certificate2? cert) =>
        cert is null ? null : string.Join(" ", SpiffeIdExtractor.ReadUriSans(cert, out _));
}
