using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>
/// Judges a later stream on an inbound relay/2 connection against the config current when it
/// starts. The caller's identity was proven at the handshake, under the material of that time; if
/// the material has changed since (a rotation, or a reload that changed or removed <c>tls</c>),
/// the caller's certificate is checked again against today's bundle and trust domain, so a
/// connection made under settings that would no longer admit it does not carry new streams.
/// </summary>
internal static class MeshChannelPolicy
{
    /// <returns><see cref="CloseReason.Completed"/> when the stream may proceed, else why the connection closes.</returns>
    public static CloseReason Judge(MeshChannel channel, InboundPortSnapshot port, MeshTlsRuntime? tls)
    {
        if (tls is null)
        {
            // tls was removed: this host no longer speaks mesh mTLS, so no new mesh streams.
            return CloseReason.TlsPeerCertificateInvalid;
        }
        var current = tls.Store.Current;
        if (!ReferenceEquals(channel.Credentials, current))
        {
            var verdict = tls.Validator.Validate(channel.Tls.RemoteCertificate, null, current, PeerRole.Client, port.Allow);
            if (!verdict.Accepted)
            {
                return verdict.Reason == PeerRejectReason.IdentityNotAllowed ? CloseReason.PolicyDenied
                    : verdict.Reason.IsIdentityReason() ? CloseReason.TlsPeerIdentityRejected
                    : CloseReason.TlsPeerCertificateInvalid;
            }
            return CloseReason.Completed;
        }
        return AuthorizationPolicy.Decide(port.Allow, channel.Facts.Peer).Allowed ? CloseReason.Completed : CloseReason.PolicyDenied;
    }
}
