namespace Relay.Tls.Certificates;

/// <summary>
/// The three files that make up this host's TLS material, the trust domain they must belong to and,
/// when mesh.yaml names one (<c>mesh.identity</c>), the SPIFFE ID the certificate must carry.
/// </summary>
public sealed record CredentialPaths(string CertPath, string KeyPath, string BundlePath, string TrustDomain, string? ExpectedIdentity = null)
{
    public IEnumerable<string> Files => [CertPath, KeyPath, BundlePath];
}
