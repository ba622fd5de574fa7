using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Tls;

[Trait("Tier", "Loopback")]
public sealed class MeshTlsHandshakeTests : IDisposable
{
    private const string VmA = "spiffe://corp.example/host/vm-a";
    private const string VmB = "spiffe://corp.example/host/vm-b";
    private readonly TestPki pki = new();
    private readonly MeshTlsLoopback loopback = new();
    private readonly MeshCredentials clientCreds;
    private readonly MeshCredentials serverCreds;

    public MeshTlsHandshakeTests()
    {
        clientCreds = pki.Credentials(VmA);
        serverCreds = pki.Credentials(VmB);
    }

    public void Dispose()
    {
        loopback.Dispose();
        pki.Dispose();
    }

    private static ImmutableArray<SpiffeIdPattern> Allow(string pattern) =>
        [SpiffeIdPattern.TryParse(pattern, out var p, out _) ? p! : throw new FormatException(pattern)];

    [Fact]
    public async Task Handshake_BothSidesValid_AuthenticatesEachOther()
    {
        var (client, server, cs, ss) = await loopback.RunAsync(clientCreds, () => serverCreds, [SpiffeId.Parse(VmB)], Allow(VmA));
        using (cs)
        using (ss)
        {
            Assert.True(client.Succeeded, client.Detail);
            Assert.True(server.Succeeded, server.Detail);
            Assert.Equal(VmB, client.PeerId!.ToString());
            Assert.Equal(VmA, server.PeerId!.ToString());
            // Both sides offer relay/2 first (MeshAlpn.Offered), so it wins.
            Assert.Equal(MeshAlpn.FramedProtocol, cs.NegotiatedApplicationProtocol);
            Assert.Equal(SslProtocols.Tls13, cs.SslProtocol);
        }
    }

    [Fact]
    public async Task Handshake_ServerFromOtherCa_ClientRejectsUntrustedChain()
    {
        using var other = new TestPki();
        var rogue = other.Credentials(VmB);
        var (client, server) = await loopback.RunAndCloseAsync(clientCreds, () => rogue, [SpiffeId.Parse(VmB)], null);
        Assert.Equal(MeshHandshakeFailure.PeerRejected, client.Failure);
        Assert.Equal(PeerRejectReason.UntrustedChain, client.PeerReason);
        Assert.False(server.Succeeded);
    }

    [Fact]
    public async Task Handshake_WrongServerIdentity_ClientRejects()
    {
        var (client, _) = await loopback.RunAndCloseAsync(clientCreds, () => serverCreds, [SpiffeId.Parse("spiffe://corp.example/host/vm-c")], null);
        Assert.Equal(PeerRejectReason.IdentityNotAllowed, client.PeerReason);
    }

    [Fact]
    public async Task Handshake_CallerNotAllowed_ServerDeniesByPolicy()
    {
        var (client, server) = await loopback.RunAndCloseAsync(clientCreds, () => serverCreds, [SpiffeId.Parse(VmB)], Allow("spiffe://corp.example/host/vm-c"));
        Assert.Equal(MeshHandshakeFailure.PeerRejected, server.Failure);
        Assert.Equal(PeerRejectReason.IdentityNotAllowed, server.PeerReason);
        Assert.Equal("identity_not_allowed", server.ReasonLabel);
    }

    [Fact]
    public async Task Handshake_ClientWithoutCertificate_ServerRejectsNoCertificate()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var clientSocket = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(cts.Token).AsTask();
        await clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var serverSocket = await accept;
        using var serverStream = new SslStream(serverSocket.GetStream());
        using var clientStream = new SslStream(clientSocket.GetStream());
        var serverTask = loopback.Handshaker.AuthenticateAsServerAsync(serverStream, serverCreds, null, cts.Token);
        var clientOptions = new SslClientAuthenticationOptions
        {
            TargetHost = "vm-b",
            ApplicationProtocols = [MeshAlpn.Protocol],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        var clientTask = clientStream.AuthenticateAsClientAsync(clientOptions, cts.Token);
        var server = await serverTask;
        serverStream.Dispose();
        try
        {
            await clientTask;
            // TLS 1.3: the client may finish first and only learn of the rejection as EOF or an alert on read.
            Assert.Equal(0, await clientStream.ReadAsync(new byte[1], cts.Token));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // The server's alert reached the client during the handshake: also a rejection.
        }
        Assert.Equal(MeshHandshakeFailure.PeerRejected, server.Failure);
        Assert.Equal(PeerRejectReason.NoCertificate, server.PeerReason);
    }

    [Fact]
    public async Task Handshake_ClientWithoutRelayAlpn_IsNotMeshTls()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var clientSocket = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(cts.Token).AsTask();
        await clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var serverSocket = await accept;
        using var serverStream = new SslStream(serverSocket.GetStream());
        using var clientStream = new SslStream(clientSocket.GetStream());
        var serverTask = loopback.Handshaker.AuthenticateAsServerAsync(serverStream, serverCreds, null, cts.Token);
        var options = loopback.Factory.CreateClient(clientCreds, "127.0.0.1", []).Options;
        options.ApplicationProtocols = [SslApplicationProtocol.Http11];
        _ = clientStream.AuthenticateAsClientAsync(options, cts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var server = await serverTask;
        Assert.False(server.Succeeded);
        Assert.Contains(server.Failure, new[] { MeshHandshakeFailure.ProtocolError, MeshHandshakeFailure.AlpnMismatch });
    }

    [Fact]
    public async Task Handshake_ServerChainWithIntermediate_ClientVerifiesViaSentIntermediate()
    {
        var now = DateTimeOffset.UtcNow;
        using var intermediate = pki.Leaf(new LeafOptions(["spiffe://corp.example"], now.AddMinutes(-5), now.AddDays(1)) { IsCa = true, ServerAuth = false, ClientAuth = false });
        using var leaf = CertificateAuthority.Issue(intermediate, LeafOptions.ForIdentity(VmB, now, TimeSpan.FromHours(1)));
        pki.Write(leaf, chain: [intermediate]);
        var loaded = CredentialLoader.Load(pki.CertPath, pki.KeyPath, pki.BundlePath, TestPki.TrustDomain);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Errors));

        var (client, server) = await loopback.RunAndCloseAsync(clientCreds, () => loaded.Credentials!, [SpiffeId.Parse(VmB)], null);

        Assert.True(client.Succeeded, client.Detail);
        Assert.True(server.Succeeded, server.Detail);
    }
}
