using System.Collections.Immutable;
using System.Net.Security;
using System.Net.Sockets;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>
/// The client side of a relay/h2 connection to a peer Relay: mesh mTLS offering only ALPN
/// relay/h2, this host's certificate presented, the server's SPIFFE ID checked against
/// <c>identities</c>. Used for requests (Http.MeshHttpConnector) and for active health checks
/// of meshed services (Upstreams.Health), so a check reaches the peer exactly as traffic does.
/// </summary>
internal static class MeshHttpHandshake
{
    public static async Task<(SslStream? Stream, CloseReason Failure)> SecureAsync(
        Socket socket, NetEndpoint endpoint, MeshTlsRuntime tls, MeshCredentials credentials, ImmutableArray<SpiffeId> identities, CancellationToken cancellationToken = default)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HandshakeConclusion.Timeout);
        var result = await tls.Handshaker.AuthenticateAsClientAsync(
            stream, credentials, OutboundSecurity.SessionKey(endpoint), identities, deadline.Token, MeshAlpn.OfferedForHttp).ConfigureAwait(false);
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
