using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Identity;

namespace Relay.Tls.Certificates;

/// <summary>
/// Loads this host's certificate chain, private key and trust bundle from PEM files and checks,
/// before anything may use them: the key fits the leaf, the leaf is inside its validity window,
/// is not a CA, may be used for both client and server auth, carries exactly one SPIFFE ID in
/// our trust domain (and, when one is configured, is exactly <c>mesh.identity</c>), and chains to
/// the bundle (and only the bundle).
/// </summary>
public static class CredentialLoader
{
    public static CredentialLoadResult Load(string certPath, string keyPath, string bundlePath, string trustDomain) =>
        Load(certPath, keyPath, bundlePath, trustDomain, TimeProvider.System);

    public static CredentialLoadResult Load(string certPath, string keyPath, string bundlePath, string trustDomain, TimeProvider time) =>
        Load(new CredentialPaths(certPath, keyPath, bundlePath, trustDomain), time);

    /// <summary>Loads <paramref name="paths"/>; a certificate whose SPIFFE ID is not <see cref="CredentialPaths.ExpectedIdentity"/> (when set) is an error.</summary>
    public static CredentialLoadResult Load(CredentialPaths paths, TimeProvider time)
    {
        var (certPath, keyPath, bundlePath, trustDomain) = (paths.CertPath, paths.KeyPath, paths.BundlePath, paths.TrustDomain);
        var errors = new List<string>();
        var chain = PemMaterial.ReadCertificates(certPath, "certificate", errors);
        var bundle = PemMaterial.ReadCertificates(bundlePath, "trust bundle", errors);
        if (chain is null || bundle is null)
        {
            return CredentialLoadResult.Failure(errors);
        }
        var leaf = PemMaterial.AttachKey(chain[0], keyPath, errors);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }
        var now = time.GetUtcNow();
        var id = CheckLeaf(chain[0], trustDomain, now, errors);
        if (id is not null && paths.ExpectedIdentity is { } expected && !string.Equals(id.ToString(), expected, StringComparison.Ordinal))
        {
            // mesh.identity says who this host is; serving another identity would make peers' allow lists lie.
            errors.Add($"certificate identity {id} does not match mesh.identity {expected}");
        }
        CheckBundle(bundle, bundlePath, errors);
        CheckChain(chain[0], intermediates, bundle, now, errors);
        if (errors.Count > 0 || leaf is null || id is null)
        {
            return CredentialLoadResult.Failure(errors);
        }
        return CredentialLoadResult.Success(new MeshCredentials(leaf, intermediates, bundle, id));
    }

    private static SpiffeId? CheckLeaf(X509Certificate2 leaf, string trustDomain, DateTimeOffset now, List<string> errors)
    {
        var notBefore = CertificateFacts.NotBefore(leaf);
        var notAfter = CertificateFacts.NotAfter(leaf);
        if (now < notBefore)
        {
            errors.Add($"certificate is not valid yet (notBefore {notBefore:O}, now {now:O})");
        }
        if (now > notAfter)
        {
            errors.Add($"certificate expired at {notAfter:O} (now {now:O})");
        }
        if (CertificateFacts.IsCa(leaf))
        {
            errors.Add("certificate is a CA (basicConstraints CA:true or keyUsage keyCertSign); a leaf is required");
        }
        if (!CertificateFacts.HasEku(leaf, CertificateFacts.ServerAuthOid) || !CertificateFacts.HasEku(leaf, CertificateFacts.ClientAuthOid))
        {
            errors.Add("certificate's extendedKeyUsage must list both serverAuth and clientAuth (Relay is client and server)");
        }
        var extraction = SpiffeIdExtractor.Extract(leaf);
        if (!extraction.Succeeded)
        {
            errors.Add($"certificate identity: {extraction.Message}");
            return null;
        }
        if (!string.Equals(extraction.Id!.TrustDomain, trustDomain, StringComparison.Ordinal))
        {
            errors.Add($"certificate identity {extraction.Id} is not in trust domain '{trustDomain}'");
            return null;
        }
        return extraction.Id;
    }

    private static void CheckBundle(X509Certificate2Collection bundle, string bundlePath, List<string> errors)
    {
        foreach (var root in bundle)
        {
            if (!CertificateFacts.IsCa(root))
            {
                errors.Add($"trust bundle '{bundlePath}' holds '{root.Subject}', which is not a CA certificate");
            }
        }
    }

    private static void CheckChain(X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2Collection bundle, DateTimeOffset now, List<string> errors)
    {
        using var chain = BundleChain.Create(bundle, intermediates, now);
        if (!chain.Build(leaf))
        {
            errors.Add($"certificate does not chain to the trust bundle: {BundleChain.Describe(chain)}");
        }
    }
}
