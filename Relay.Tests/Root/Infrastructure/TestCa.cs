using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Certificates;

namespace Relay.Tests.Root.Infrastructure;

/// <summary>
/// An in-memory mesh CA for Root tests, on the same <see cref="CertificateAuthority"/> code `relay ca` uses,
/// so leaves are real X509-SVIDs; <see cref="LeafOptions"/> lets a test mint every wrong certificate too.
/// </summary>
internal sealed class TestCa : IDisposable
{
    /// <summary>One day: far beyond any test, short enough that a leaked file is useless soon.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);

    private TestCa(X509Certificate2 root) => Root = root;

    /// <summary>The self-signed root, private key included.</summary>
    public X509Certificate2 Root { get; }

    public static TestCa Create() =>
        new(CertificateAuthority.CreateRoot(MeshIdentities.TrustDomain, DateTimeOffset.UtcNow, TimeSpan.FromDays(30)));

    /// <summary>A correct leaf for <paramref name="spiffeId"/> (serverAuth+clientAuth, CA:false, one URI SAN).</summary>
    public X509Certificate2 Issue(string spiffeId, TimeSpan? lifetime = null) =>
        CertificateAuthority.Issue(Root, LeafOptions.ForIdentity(spiffeId, DateTimeOffset.UtcNow, lifetime ?? DefaultLifetime));

    /// <summary>Any certificate the options describe, signed by this CA.</summary>
    public X509Certificate2 Issue(LeafOptions options) => CertificateAuthority.Issue(Root, options);

    /// <summary>A leaf whose validity window ended an hour ago.</summary>
    public X509Certificate2 IssueExpired(string spiffeId)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(new LeafOptions([spiffeId], now.AddDays(-2), now.AddHours(-1)));
    }

    /// <summary>A leaf whose validity window starts in a day.</summary>
    public X509Certificate2 IssueNotYetValid(string spiffeId)
    {
        var now = DateTimeOffset.UtcNow;
        return Issue(new LeafOptions([spiffeId], now.AddDays(1), now.AddDays(2)));
    }

    public void Dispose() => Root.Dispose();
}
