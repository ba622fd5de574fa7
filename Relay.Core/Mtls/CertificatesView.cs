using Relay.Tls.Certificates;

namespace Relay.Core.Mtls;

/// <summary>GET /certs: the identity and certificate new handshakes present, and the trusted roots.</summary>
internal sealed record CertificatesView(string SpiffeId, string Fingerprint, string Serial, DateTimeOffset NotBefore, DateTimeOffset NotAfter, IReadOnlyList<string> TrustedRoots)
{
    public static CertificatesView Of(MeshCredentials credentials) => new(
        credentials.SpiffeId.ToString(),
        credentials.Fingerprint,
        credentials.Leaf.SerialNumber,
        new DateTimeOffset(credentials.Leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero),
        credentials.NotAfter,
        credentials.TrustBundle.Select(root => $"{root.Subject} ({root.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)})").ToList());
}
