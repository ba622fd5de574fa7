using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.Certificates;

/// <summary>
/// One validated, immutable set of TLS material: this host's leaf (with private key), the
/// intermediates it presents, the trust bundle it verifies peers against, and the
/// <see cref="SslStreamCertificateContext"/> built once here so handshakes never rebuild the chain.
/// Swapped whole on rotation; never mutated, never disposed while a handshake might use it
/// (live connections keep the old instance until they end, then the GC reclaims it).
/// </summary>
public sealed class MeshCredentials
{
    internal MeshCredentials(
        X509Certificate2 leaf,
        X509Certificate2Collection intermediates,
        X509Certificate2Collection trustBundle,
        SpiffeId spiffeId)
    {
        Leaf = leaf;
        Intermediates = intermediates;
        TrustBundle = trustBundle;
        SpiffeId = spiffeId;
        NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        Fingerprint = leaf.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        TrustBundleFingerprint = string.Join(',', trustBundle.Select(r => r.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)).Order(StringComparer.Ordinal));
        // offline: true: the chain is built from the files we were given; never fetch AIA/OCSP here.
        CertificateContext = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2Collection Intermediates { get; }

    public X509Certificate2Collection TrustBundle { get; }

    public SpiffeId SpiffeId { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>SHA-256 of the leaf, hex: identifies this set in logs and the admin /certs page.</summary>
    public string Fingerprint { get; }

    public SslStreamCertificateContext CertificateContext { get; }

    /// <summary>The bundle's root SHA-256s, sorted: equal exactly when two sets trust the same roots (a leaf-only rotation keeps it).</summary>
    public string TrustBundleFingerprint { get; }
}
