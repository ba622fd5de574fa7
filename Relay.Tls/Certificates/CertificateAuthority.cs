using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Certificates;

/// <summary>
/// A minimal mesh CA for <c>relay ca</c> and for tests: a self-signed ECDSA P-256 root and leaves
/// that carry one SPIFFE URI SAN. Production meshes may use any external CA instead (docs/tls.md).
/// </summary>
public static partial class CertificateAuthority
{
    // Backdating absorbs clock skew between hosts so a fresh certificate is valid everywhere at once.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>A self-signed root for <paramref name="trustDomain"/>, private key included.</summary>
    public static X509Certificate2 CreateRoot(string trustDomain, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Relay mesh CA {trustDomain}, O=Relay", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(UriSanExtension.Create([$"spiffe://{trustDomain}"]));
        return request.CreateSelfSigned(now - Backdate, now + lifetime);
    }

    /// <summary>A certificate signed by <paramref name="issuer"/> (which must hold its private key), with its own key.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, LeafOptions options)
    {
        using AsymmetricAlgorithm key = options.Key == LeafKeyKind.Rsa2048 ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new CertificateRequest($"CN={options.CommonName}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={options.CommonName}", (ECDsa)key, HashAlgorithmName.SHA256);
        AddExtensions(request, issuer, options);
        var serial = RandomNumberGenerator.GetBytes(16);
        // RFC 5280 §4.1.2.5 wants a positive serial: clear the top bit.
        serial[0] &= 0x7F;
        // A leaf never outlives its issuer; notBefore is not clamped so tests can mint expired leaves.
        var issuerNotAfter = CertificateFacts.NotAfter(issuer);
        var notAfter = options.NotAfter < issuerNotAfter ? options.NotAfter : issuerNotAfter;
        using var signed = request.Create(issuer.SubjectName, SignerFor(issuer), options.NotBefore, notAfter, serial);
        return key is RSA r ? signed.CopyWithPrivateKey(r) : signed.CopyWithPrivateKey((ECDsa)key);
    }

    // The generator overload lets an ECDSA CA sign an RSA leaf (tests cover RSA keys).
    private static X509SignatureGenerator SignerFor(X509Certificate2 issuer) =>
        issuer.GetECDsaPrivateKey() is { } ec
            ? X509SignatureGenerator.CreateForECDsa(ec)
            : X509SignatureGenerator.CreateForRSA(
                issuer.GetRSAPrivateKey() ?? throw new ArgumentException("issuer has no ECDSA or RSA private key", nameof(issuer)),
                RSASignaturePadding.Pkcs1);

    private static void AddExtensions(CertificateRequest request, X509Certificate2 issuer, LeafOptions options)
    {
        var extensions = request.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(options.IsCa, false, 0, true));
        extensions.Add(new X509KeyUsageExtension(
            options.IsCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (options.ServerAuth)
        {
            usages.Add(new Oid(CertificateFacts.ServerAuthOid));
        }
        if (options.ClientAuth)
        {
            usages.Add(new Oid(CertificateFacts.ClientAuthOid));
        }
        if (usages.Count > 0)
        {
            extensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }
        extensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        extensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (options.UriSans.Count > 0)
        {
            // X509-SVID §4.1 wants the SAN critical only when the subject is empty; ours has a CN.
            extensions.Add(UriSanExtension.Create(options.UriSans));
        }
    }
}
