using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Relay.Core.Detect;

namespace Relay.Tests.Detect;

/// <summary>Captures the real first bytes an SslStream client sends, read on the server side with MSG_PEEK as Relay does.</summary>
internal static class ClientHelloCapture
{
    public static async Task<byte[]> CaptureAsync(string targetHost, IEnumerable<SslApplicationProtocol>? alpn, SslProtocols protocols = SslProtocols.None)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        var accept = listener.AcceptSocketAsync(cts.Token).AsTask();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cts.Token);
        using var server = await accept;
        var ssl = new SslStream(client.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = alpn?.ToList(),
            EnabledSslProtocols = protocols,
        };
        var handshake = ssl.AuthenticateAsClientAsync(options, cts.Token);
        var peeked = await PeekUntilCompleteAsync(server, cts.Token);
        // The server never answers: closing makes the client's handshake fail, which is expected here.
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        ssl.Dispose();
        return peeked;
    }

    private static async Task<byte[]> PeekUntilCompleteAsync(Socket server, CancellationToken cancellationToken)
    {
        var buffer = new byte[ClientHelloPeek.MaxPeekBytes];
        while (true)
        {
            var n = await server.ReceiveAsync(buffer, SocketFlags.Peek, cancellationToken);
            Assert.True(n > 0, "client closed before sending a ClientHello");
            if (ClientHelloPeek.Parse(buffer.AsSpan(0, n)).Status != ClientHelloPeekStatus.NeedMoreData)
            {
                return buffer[..n];
            }
            await Task.Delay(10, cancellationToken);
        }
    }
}
