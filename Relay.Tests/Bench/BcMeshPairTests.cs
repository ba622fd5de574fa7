using System.Collections.Immutable;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Relay.Bench.Micro;
using Relay.Bench.Micro.Packages;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Bench;

/// <summary>
/// The BouncyCastle side of issue 16's TLS A/B does the mesh's checks, so its figures are not
/// bought by skipping them: both peers are authenticated against the bench CA, a peer from
/// another CA or with another identity is refused, and application data round-trips.
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BcMeshPairTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly BenchPki _pki = new();
    private readonly BenchPki _otherCa = new();
    private readonly LoopbackSockets _sockets = new();
    private readonly BcTlsCrypto _crypto = new(new SecureRandom());
    private readonly PeerCertificateValidator _validator = new();

    [Fact]
    public async Task Handshake_BothPeersAuthenticated_EchoRoundTrips()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var (client, server) = await BcMeshPair.ConnectAsync(
            _sockets, Credentials(_pki.Client), Credentials(_pki.Server), "t.bench.local", [SpiffeId.Parse(BenchPki.ServerId)], cts.Token);
        await using (client)
        await using (server)
        {
            var sent = new byte[3000];
            Random.Shared.NextBytes(sent);
            await client.WriteAsync(sent, cts.Token);
            var atServer = new byte[sent.Length];
            await server.ReadExactlyAsync(atServer, cts.Token);
            await server.WriteAsync(atServer, cts.Token);
            var back = new byte[sent.Length];
            await client.ReadExactlyAsync(back, cts.Token);
            Assert.Equal(sent, back);
            await client.ShutdownAsync();
            Assert.Equal(0, await server.ReadAsync(new byte[1], cts.Token));
        }
    }

    [Fact]
    public async Task Server_RefusesAClientFromAnotherCa()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var (c, s) = await _sockets.ConnectAsync(cts.Token);
        var serverPeer = new BcMeshServer(Credentials(_pki.Server));
        // The stranger trusts our CA (so it accepts our server), but its own leaf is from another CA.
        var stranger = new MeshCredentials(_otherCa.Client.Leaf, _otherCa.Client.Intermediates, _pki.Client.TrustBundle, _otherCa.Client.SpiffeId);
        var strangerCredentials = new BcMeshCredentials(stranger, _crypto, _validator);
        var clientPeer = new BcMeshClient(strangerCredentials, "t.bench.local", []);
        var serverDone = BcTlsStream.AcceptAsync(s, serverPeer, cts.Token);
        var clientDone = BcTlsStream.ConnectAsync(c, clientPeer, cts.Token);

        await Assert.ThrowsAnyAsync<IOException>(() => serverDone);
        Assert.Equal(PeerRejectReason.UntrustedChain, serverPeer.Peer?.Reason);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            // In TLS 1.3 the client may finish before the server's alert arrives; its first read then fails.
            await using var stream = await clientDone;
            _ = await stream.ReadAsync(new byte[1], cts.Token);
            throw new IOException("closed");
        });
        c.Dispose();
        s.Dispose();
    }

    [Fact]
    public async Task Client_RefusesAServerWithAnotherIdentity()
    {
        using var cts = new CancellationTokenSource(Deadline);
        var (c, s) = await _sockets.ConnectAsync(cts.Token);
        var serverPeer = new BcMeshServer(Credentials(_pki.Server));
        var clientPeer = new BcMeshClient(Credentials(_pki.Client), "t.bench.local", [SpiffeId.Parse("spiffe://bench.local/someone-else")]);
        var serverDone = BcTlsStream.AcceptAsync(s, serverPeer, cts.Token);

        await Assert.ThrowsAnyAsync<IOException>(() => BcTlsStream.ConnectAsync(c, clientPeer, cts.Token));
        Assert.Equal(PeerRejectReason.IdentityNotAllowed, clientPeer.Peer?.Reason);
        await Assert.ThrowsAnyAsync<IOException>(() => serverDone);
        c.Dispose();
        s.Dispose();
    }

    private BcMeshCredentials Credentials(MeshCredentials mesh) => new(mesh, _crypto, _validator);

    public void Dispose()
    {
        _sockets.Dispose();
        _pki.Dispose();
        _otherCa.Dispose();
    }
}
