using System.Security.Cryptography.X509Certificates;

namespace Relay.Tls.Certificates;

/// <summary>
/// Builds an X509Chain that trusts only the mesh bundle. CustomRootTrust keeps the system store
/// out (a public CA must never vouch for a mesh identity). Revocation is not checked: mesh
/// certificates are short-lived and rotated, and CRL/OCSP fetches would make every handshake depend
/// on a responder's reachability and let a peer's certificate steer our outbound requests;
/// compromise is handled by short lifetimes and by removing a CA from the bundle.
/// </summary>
internal static class BundleChain
{
    public static X509Chain Create(X509Certificate2Collection bundle, IEnumerable<X509Certificate2> intermediates, DateTimeOffset now)
    {
        var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(bundle);
        foreach (var intermediate in intermediates)
        {
            policy.ExtraStore.Add(intermediate);
        }
        policy.RevocationMode = X509RevocationMode.NoCheck;
        // Never fetch missing intermediates from URLs a peer's certificate names.
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        return chain;
    }

    /// <summary>Chain status flags as one readable line, e.g. "UntrustedRoot: ...; PartialChain: ...".</summary>
    public static string Describe(X509Chain chain) =>
        string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
}
