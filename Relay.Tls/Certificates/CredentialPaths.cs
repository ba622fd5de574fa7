namespace Relay.Tls.Certificates;

/// <summary>The three files that make up this host's TLS material, and the trust domain they must belong to.</summary>
public sealed record CredentialPaths(string CertPath, string KeyPath, string BundlePath, string TrustDomain)
{
    public IEnumerable<string> Files => [CertPath, KeyPath, BundlePath];
}
