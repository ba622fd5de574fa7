using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Relay.Tls.MeshTls;

namespace Relay.Bench.Hostile;

/// <summary>
/// A real ClientHello as a peer Relay would send it (SslStream, mesh ALPN), captured once on a
/// throwaway loopback listener, so the flood costs Relay what a real stalled peer costs: a TLS
/// handshake started and never finished.
/// </summary>
internal static class ClientHelloBytes
{
    /// <summary>What a peer Relay offers: the framed mesh protocol, then the original one.</summary>
    public static Task<byte[]> CaptureAsync(CancellationToken cancellationToken) =>
        CaptureAsync("relay-b", [new SslApplicationProtocol(MeshAlpn.FramedToken), MeshAlpn.Protocol], cancellationToken);

    public static async Task<byte[]> CaptureAsync(string targetHost, List<SslApplicationProtocol> alpn, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        var accept = listener.AcceptSocketAsync(timeout.Token).AsTask();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, timeout.Token);
        using var server = await accept;
        using var ssl = new SslStream(client.GetStream());
        var handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = alpn,
        }, timeout.Token);
        var hello = await ReadRecordAsync(server, timeout.Token);
        server.Close(); // the client's handshake then fails, which is all it was for
        try
        {
            await handshake;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
        }
        return hello;
    }

    /// <summary>One TLS record: the 5-byte header gives the length of the rest.</summary>
    private static async Task<byte[]> ReadRecordAsync(Socket socket, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await ReadExactlyAsync(socket, header, cancellationToken);
        var body = new byte[(header[3] << 8) | header[4]];
        await ReadExactlyAsync(socket, body, cancellationToken);
        return [.. header, .. body];
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new IOException("the TLS client closed before its ClientHello was complete");
            }
            buffer = buffer[n..];
        }
    }
}
