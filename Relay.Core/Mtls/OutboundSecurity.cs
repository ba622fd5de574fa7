using System.Net.Security;
using System.Net.Sockets;
using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tls.Certificates;

namespace Relay.Core.Mtls;

/// <summary>
/// Outbound: wrap the upstream connection of a mesh service in TLS, present this host's
/// certificate and require the server's SPIFFE ID to be one the service lists. A relay/2 peer
/// yields a <see cref="MeshChannel"/> the caller opens streams on and pools afterwards.
/// </summary>
internal static class OutboundSecurity
{
    /// <summary>
    /// The TLS target host for an endpoint. It keys SslStream's client session cache, so one name
    /// per endpoint lets repeated connections to the same peer Relay resume. It must be a host
    /// name: with an IP literal SslStream does not resume at all (0 of 5 ClientHellos carried a
    /// pre_shared_key in a capture). The server ignores SNI (identity is the SPIFFE ID), and the
    /// reserved .invalid TLD keeps the name from ever meaning anything else.
    /// </summary>
    internal static string SessionKey(NetEndpoint endpoint) =>
        $"p{endpoint.Port}-{Convert.ToHexStringLower(endpoint.Address.GetAddressBytes())}.relay.invalid";

    public static bool Applies(ServiceSnapshot? service, MeshTlsRuntime? tls) => tls is not null && service is { MeshTls: true };

    public static async Task<SecuredStream> SecureAsync(
        Socket upstream, NetEndpoint endpoint, ServiceSnapshot service, MeshTlsRuntime tls, MeshCredentials credentials, ConnectionRecord record)
    {
        var stream = new SslStream(new NetworkStream(upstream, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(HandshakeConclusion.Timeout);
        var result = await tls.Handshaker.AuthenticateAsClientAsync(
            stream, credentials, SessionKey(endpoint), service.Identities, deadline.Token).ConfigureAwait(false);
        if (await HandshakeConclusion.RecordAsync(stream, result, record).ConfigureAwait(false) is not { } facts)
        {
            return SecuredStream.Refused(HandshakeCloseReasons.For(result, Direction.Outbound));
        }
        if (Relay.Tls.MeshTls.MeshAlpn.IsFramed(stream.NegotiatedApplicationProtocol))
        {
            // relay/2: the caller opens each stream (and writes its preface) itself, pooled or fresh.
            return SecuredStream.Framed(new MeshChannel(upstream, stream, facts) { Credentials = credentials }, facts);
        }
        try
        {
            // Only now, with the server's identity accepted, may the server dial its app.
            await MeshPreface.WriteAsync(stream, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            return SecuredStream.Refused(CloseReason.UpstreamReset);
        }
        return SecuredStream.Mesh(stream, facts);
    }
}
