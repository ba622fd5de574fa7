using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Relay.Core.Mtls;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Support;

/// <summary>What one <see cref="LoopbackMeshClient"/> exchange saw.</summary>
/// <param name="HandshakeError">Null when the client side of the handshake completed.</param>
/// <param name="ServerThumbprint">SHA-256 of the leaf the server presented (null if none arrived).</param>
internal sealed record MeshExchange(string? HandshakeError, string? ServerThumbprint, string? ServerSpiffeId, string NegotiatedAlpn, byte[] Echo)
{
    public bool Echoed(byte[] payload) => HandshakeError is null && Echo.AsSpan().SequenceEqual(payload);

    public override string ToString() =>
        $"handshake={HandshakeError ?? "ok"} alpn='{NegotiatedAlpn}' server={ServerSpiffeId} ({ServerThumbprint}) echo={Echo.Length} bytes";
}

/// <summary>
/// A calling Relay reduced to its wire behaviour, on loopback: TLS 1.3 with ALPN relay/1 and the
/// given client certificate (cert.pem + key.pem of a `relay ca issue` directory), the RLY1 preface,
/// a payload, and the echo read back. It records (and accepts) whatever leaf the server presents,
/// so a test can check which certificate a Relay serves. No resumption: every exchange is a full
/// handshake and sees the server's current material.
/// </summary>
internal static class LoopbackMeshClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<MeshExchange> ExchangeAsync(int port, string clientDir, byte[] payload)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var client = X509Certificate2.CreateFromPemFile(Path.Combine(clientDir, "cert.pem"), Path.Combine(clientDir, "key.pem"));
        X509Certificate2? presented = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "relay-test.invalid",
            EnabledSslProtocols = SslProtocols.Tls13,
            AllowTlsResume = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = [MeshAlpn.Protocol],
            ClientCertificateContext = SslStreamCertificateContext.Create(client, null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return true;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cts.Token);
            await MeshPreface.WriteAsync(tls, cts.Token);
            await tls.WriteAsync(payload, cts.Token);
            var echo = new byte[payload.Length];
            var total = 0;
            int read;
            while (total < echo.Length && (read = await tls.ReadAsync(echo.AsMemory(total), cts.Token)) > 0)
            {
                total += read;
            }
            return Result(null, presented, tls, echo[..total]);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            return Result(ex.Message, presented, tls, []);
        }
    }

    /// <summary>Plaintext to the port: the echo, or empty when the connection was refused, reset or closed.</summary>
    public static async Task<byte[]> PlaintextAsync(int port, byte[] payload)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await SocketIo.SendAllAsync(socket, payload);
            socket.Shutdown(SocketShutdown.Send);
            return await SocketIo.ReadToEndAsync(socket, Timeout);
        }
        catch (SocketException)
        {
            return [];
        }
    }

    private static MeshExchange Result(string? error, X509Certificate2? presented, SslStream tls, byte[] echo)
    {
        var thumbprint = presented?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var id = presented is null ? null : Relay.Tls.Identity.SpiffeIdExtractor.Extract(presented).Id?.ToString();
        string alpn;
        try
        {
            alpn = tls.NegotiatedApplicationProtocol.ToString();
        }
        catch (InvalidOperationException)
        {
            alpn = "";
        }
        return new MeshExchange(error, thumbprint, id, alpn, echo);
    }
}
