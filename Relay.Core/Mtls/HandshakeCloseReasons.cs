using Relay.Core.Vocabulary;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>Maps a failed mesh handshake to the close reason the metrics and access log carry.</summary>
internal static class HandshakeCloseReasons
{
    public static CloseReason For(MeshHandshakeResult result, Direction direction) => result.Failure switch
    {
        MeshHandshakeFailure.PeerRejected when result.PeerReason == PeerRejectReason.IdentityNotAllowed =>
            direction == Direction.Inbound ? CloseReason.PolicyDenied : CloseReason.TlsPeerIdentityRejected,
        MeshHandshakeFailure.PeerRejected when result.PeerReason.IsIdentityReason() => CloseReason.TlsPeerIdentityRejected,
        // No certificate at all is a handshake that could not be completed, not a bad certificate.
        MeshHandshakeFailure.PeerRejected when result.PeerReason == PeerRejectReason.NoCertificate => CloseReason.TlsHandshakeFailed,
        MeshHandshakeFailure.PeerRejected => CloseReason.TlsPeerCertificateInvalid,
        _ => CloseReason.TlsHandshakeFailed,
    };
}
