using Relay.Core.Vocabulary;

namespace Relay.Core.Upstreams;

/// <summary>The close reasons that mean the mesh handshake with an endpoint failed (outlier detection ejects on them at once).</summary>
internal static class TlsFailure
{
    public static bool Is(CloseReason reason) =>
        reason is CloseReason.TlsHandshakeFailed or CloseReason.TlsPeerIdentityRejected or CloseReason.TlsPeerCertificateInvalid;
}
