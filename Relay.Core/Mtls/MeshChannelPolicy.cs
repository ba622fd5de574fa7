using Relay.Core.Config;
using Relay.Core.Vocabulary;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Core.Mtls;

/// <summary>
/// Judges a later stream on an inbound relay/2 connection (or a request on a relay/h2 one) against the config current when it
/// starts. The caller's identity was proven at the handshake, under the material of that time; if
/// the trust it was judged by has changed since (a bundle rotation, a reload that changed the
/// bundle or the trust domain, or removed <c>tls</c>), the caller's certificate is checked again
/// against today's bundle and trust domain, so a connection made under settings that would no
/// longer admit it does not carry new streams. A rotation of only this host's own leaf changes
/// nothing the caller was judged by. The re-check sees only the caller's leaf (not intermediates
/// it sent at the handshake): a caller whose chain needs them is refused once after a bundle
/// change and reconnects with a full handshake.
/// </summary>
internal static class MeshChannelPolicy
{
    /// <returns><see cref="CloseReason.Completed"/> when the stream may proceed, else why the connection closes.</returns>
    public static CloseReason Judge(MeshChannel channel, InboundPortSnapshot port, MeshTlsRuntime? tls) =>
        Judge(channel.Tls.RemoteCertificate, channel.Credentials, channel.Facts, port, tls);

    /// <summary>The same judgement for one request on a relay/h2 connection (HttpForwarding), made with the config current at the request.</summary>
    /// <param name="then">This side's material when the caller was authenticated.</param>
    public static CloseReason Judge(
        System.Security.Cryptography.X509Certificates.X509Certificate? remote, Relay.Tls.Certificates.MeshCredentials? then,
        TlsFacts facts, InboundPortSnapshot port, MeshTlsRuntime? tls)
    {
        if (tls is null)
        {
            // tls was removed: this host no longer speaks mesh mTLS, so no new mesh streams.
            return CloseReason.TlsPeerCertificateInvalid;
        }
        var current = tls.Store.Current;
        if (then is null || TrustChanged(then, current))
        {
            var verdict = tls.Validator.Validate(remote, null, current, PeerRole.Client, port.Allow);
            if (!verdict.Accepted)
            {
                return verdict.Reason == PeerRejectReason.IdentityNotAllowed ? CloseReason.PolicyDenied
                    : verdict.Reason.IsIdentityReason() ? CloseReason.TlsPeerIdentityRejected
                    : CloseReason.TlsPeerCertificateInvalid;
            }
            return CloseReason.Completed;
        }
        return AuthorizationPolicy.Decide(port.Allow, facts.Peer).Allowed ? CloseReason.Completed : CloseReason.PolicyDenied;
    }

    private static bool TrustChanged(Relay.Tls.Certificates.MeshCredentials then, Relay.Tls.Certificates.MeshCredentials now) =>
        !ReferenceEquals(then, now)
        && (!string.Equals(then.SpiffeId.TrustDomain, now.SpiffeId.TrustDomain, StringComparison.Ordinal)
            || !string.Equals(then.TrustBundleFingerprint, now.TrustBundleFingerprint, StringComparison.Ordinal));
}
