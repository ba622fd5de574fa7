using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Tls;

/// <summary>Runs one real mesh handshake over a loopback TCP connection, both sides using MeshTlsHandshaker.</summary>
internal sealed class MeshTlsLoopback : IDisposable
{
    // Generous for a 2-core shared machine; a loopback handshake takes a few ms.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);

    public MeshTlsLoopback(SslProtocols minVersion = SslProtocols.Tls13)
    {
        listener.Start();
        Metrics = new TlsMetrics();
        var validator = new PeerCertificateValidator();
        Factory = new MeshTlsOptionsFactory(validator, minVersion);
        Handshaker = new MeshTlsHandshaker(Factory, validator, Metrics);
    }

    public TlsMetrics Metrics { get; }

    public MeshTlsOptionsFactory Factory { get; }

    public MeshTlsHandshaker Handshaker { get; }

    public async Task<(MeshHandshakeResult Client, MeshHandshakeResult Server, SslStream ClientStream, SslStream ServerStream)> RunAsync(
        MeshCredentials client,
        Func<MeshCredentials> server,
        ImmutableArray<SpiffeId> expectedServer,
        ImmutableArray<SpiffeIdPattern>? allow,
        string targetHost = "127.0.0.1")
    {
        using var cts = new CancellationTokenSource(HandshakeTimeout);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clientSocket = new TcpClient();
        var accept = listener.AcceptTcpClientAsync(cts.Token).AsTask();
        await clientSocket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        var serverSocket = await accept;
        var clientStream = new SslStream(clientSocket.GetStream(), leaveInnerStreamOpen: false);
        var serverStream = new SslStream(serverSocket.GetStream(), leaveInnerStreamOpen: false);
        var serverTask = Task.Run(async () =>
        {
            var result = await Handshaker.AuthenticateAsServerAsync(serverStream, server(), allow, cts.Token);
            if (!result.Succeeded)
            {
                // What the data path does: a rejected peer's connection is closed at once.
                serverStream.Dispose();
            }
            return result;
        });
        var clientResult = await Handshaker.AuthenticateAsClientAsync(clientStream, client, targetHost, expectedServer, cts.Token);
        if (!clientResult.Succeeded)
        {
            clientStream.Dispose();
        }
        var serverResult = await serverTask;
        return (clientResult, serverResult, clientStream, serverStream);
    }

    /// <summary>Handshake, one byte each way to prove the channel works, then a clean close.</summary>
    public async Task<(MeshHandshakeResult Client, MeshHandshakeResult Server)> RunAndCloseAsync(
        MeshCredentials client,
        Func<MeshCredentials> server,
        ImmutableArray<SpiffeId> expectedServer,
        ImmutableArray<SpiffeIdPattern>? allow,
        string targetHost = "127.0.0.1")
    {
        var (c, s, cs, ss) = await RunAsync(client, server, expectedServer, allow, targetHost);
        using (cs)
        using (ss)
        {
            if (c.Succeeded && s.Succeeded)
            {
                await cs.WriteAsync(new byte[] { 42 });
                var buffer = new byte[1];
                Assert.Equal(1, await ss.ReadAsync(buffer));
                Assert.Equal(42, buffer[0]);
                // A clean close_notify lets OpenSSL keep the session for resumption.
                await cs.ShutdownAsync();
                await ss.ShutdownAsync();
            }
        }
        return (c, s);
    }

    public void Dispose()
    {
        listener.Stop();
        Metrics.Dispose();
    }
}
