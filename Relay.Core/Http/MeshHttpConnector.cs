using System.Net.Security;
using System.Net.Sockets;
using Relay.Core.Mtls;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tls.MeshTls;

namespace Relay.Core.Http;

/// <summary>
/// The TLS half of a connection to a peer Relay for HTTP: mesh mTLS offering only ALPN relay/h2,
/// this host's certificate presented, the server's SPIFFE ID checked against the service's
/// identities. SocketsHttpHandler then speaks HTTP/2 with prior knowledge over the returned
/// stream; its connection preface is the first byte the server sees after the handshake, and it is
/// sent only after the server was verified here (the part MeshPreface plays for relay/1 and relay/2).
/// </summary>
internal static class MeshHttpConnector
{
    public static async Task<(SslStream? Stream, CloseReason Failure)> SecureAsync(Socket socket, NetEndpoint endpoint, InvokerSpec spec)
    {
        var tls = spec.Tls!;
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var deadline = new CancellationTokenSource(HandshakeConclusion.Timeout);
        var result = await tls.Handshaker.AuthenticateAsClientAsync(
            stream, spec.Credentials!, OutboundSecurity.SessionKey(endpoint), spec.Identities, deadline.Token, MeshAlpn.OfferedForHttp).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            return (null, HandshakeCloseReasons.For(result, Direction.Outbound));
        }
        if (!MeshAlpn.IsHttp(stream.NegotiatedApplicationProtocol))
        {
            // Only relay/h2 was offered; a server that picks another token is not speaking our protocol.
            await stream.DisposeAsync().ConfigureAwait(false);
            return (null, CloseReason.TlsHandshakeFailed);
        }
        return (stream, CloseReason.Completed);
    }
}
