using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>What one <see cref="TlsProbe"/> exchange observed.</summary>
/// <param name="HandshakeError">Null when the client side of the handshake completed.</param>
/// <param name="ServerCertificate">The certificate the server presented (null if none arrived).</param>
/// <param name="Echo">Bytes read back after sending the payload (empty when the server closed or reset).</param>
internal sealed record TlsProbeResult(
    string? HandshakeError, X509Certificate2? ServerCertificate, string NegotiatedAlpn, string? Protocol, byte[] Echo, string? ReadError)
{
    public bool Echoed(byte[] payload) => HandshakeError is null && Echo.AsSpan().SequenceEqual(payload);

    public override string ToString() =>
        $"handshake={HandshakeError ?? "ok"} protocol={Protocol} alpn='{NegotiatedAlpn}' server={ServerCertificate?.Subject} " +
        $"serial={ServerCertificate?.SerialNumber} echo={Echo.Length} bytes read={ReadError ?? "ok"}";
}

/// <summary>
/// A raw TLS client from a host namespace with no Relay of its own: it offers whatever ALPN and client
/// certificate the test chooses (including certificates Relay must refuse), accepts any server certificate
/// and records it, sends a payload and reads the same number of bytes back. Session resumption is off so
/// every probe is a full handshake and sees the certificate the server presents now.
/// </summary>
internal static class TlsProbe
{
    /// <summary>A full mesh handshake plus an echo on the test bridge takes milliseconds; 10 s absorbs load.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task<TlsProbeResult> ExchangeAsync(
        NetnsHost from, IPEndPoint to, string? alpn, X509Certificate2? clientCertificate, byte[] payload)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var socket = await from.ConnectAsync(to, Timeout);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        X509Certificate2? presented = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = to.Address.ToString(),
            EnabledSslProtocols = SslProtocols.Tls13,
            AllowTlsResume = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = alpn is null ? null : [new SslApplicationProtocol(alpn)],
            // A certificate context is sent as is: no filtering by the CA names the server lists or by EKU.
            ClientCertificateContext = clientCertificate is null ? null : SslStreamCertificateContext.Create(clientCertificate, null),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return true;
            },
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, cts.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            return new TlsProbeResult(ex.Message, presented, "", null, [], null);
        }
        if (tls.NegotiatedApplicationProtocol == Relay.Tls.MeshTls.MeshAlpn.Protocol)
        {
            // Speak relay/1 as a Relay would: the preface says "I accept you", then the payload.
            // In TLS 1.3 the server judges our certificate after our side finished, so its
            // refusal (a reset) can arrive here.
            try
            {
                await Relay.Core.Mtls.MeshPreface.WriteAsync(tls, cts.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                return new TlsProbeResult(null, presented, tls.NegotiatedApplicationProtocol.ToString(), tls.SslProtocol.ToString(), [], ex.Message);
            }
        }
        var (echo, readError) = await SendAndReadAsync(tls, payload, cts.Token);
        return new TlsProbeResult(null, presented, tls.NegotiatedApplicationProtocol.ToString(), tls.SslProtocol.ToString(), echo, readError);
    }

    /// <summary>Sends the payload and reads up to its length back; a close or reset ends the read early.</summary>
    private static async Task<(byte[] Echo, string? Error)> SendAndReadAsync(SslStream tls, byte[] payload, CancellationToken cancellationToken)
    {
        var received = new byte[payload.Length];
        var total = 0;
        try
        {
            await tls.WriteAsync(payload, cancellationToken);
            await tls.FlushAsync(cancellationToken);
            int read;
            while (total < received.Length && (read = await tls.ReadAsync(received.AsMemory(total), cancellationToken)) > 0)
            {
                total += read;
            }
            return (received[..total], total < received.Length ? "closed early" : null);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException)
        {
            return (received[..total], ex.Message);
        }
    }
}
