using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Relay.Tls.Certificates;

namespace Relay.Tests.Tls;

/// <summary>A throw-away CA and file layout for one test: certificates are made at test time, never committed.</summary>
internal sealed class TestPki : IDisposable
{
    public const string TrustDomain = "corp.example";

    public TestPki(string trustDomain = TrustDomain)
    {
        Root = CertificateAuthority.CreateRoot(trustDomain, DateTimeOffset.UtcNow, TimeSpan.FromDays(2));
        Directory = System.IO.Directory.CreateTempSubdirectory("relay-tls-test-").FullName;
    }

    public X509Certificate2 Root { get; }

    public string Directory { get; }

    public string CertPath => Path.Combine(Directory, "cert.pem");

    public string KeyPath => Path.Combine(Directory, "key.pem");

    public string BundlePath => Path.Combine(Directory, "bundle.pem");

    public CredentialPaths Paths => new(CertPath, KeyPath, BundlePath, TrustDomain);

    public X509Certificate2 Leaf(string id) =>
        CertificateAuthority.Issue(Root, LeafOptions.ForIdentity(id, DateTimeOffset.UtcNow, TimeSpan.FromDays(1)));

    public X509Certificate2 Leaf(LeafOptions options) => CertificateAuthority.Issue(Root, options);

    /// <summary>Writes leaf (+ chain), its key as PKCS#8 and the bundle (this root unless given) into <see cref="Directory"/>.</summary>
    public void Write(X509Certificate2 leaf, X509Certificate2[]? chain = null, X509Certificate2[]? bundle = null, string? keyPem = null)
    {
        File.WriteAllText(CertPath, string.Concat(new[] { leaf }.Concat(chain ?? []).Select(c => c.ExportCertificatePem() + "\n")));
        File.WriteAllText(KeyPath, keyPem ?? Pkcs8(leaf));
        File.WriteAllText(BundlePath, string.Concat((bundle ?? [Root]).Select(c => c.ExportCertificatePem() + "\n")));
    }

    /// <summary>Issues, writes and loads credentials for <paramref name="id"/> in a private subdirectory (so a watched set is untouched).</summary>
    public MeshCredentials Credentials(string id)
    {
        using var leaf = Leaf(id);
        var dir = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "creds-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(dir, "cert.pem"), leaf.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "key.pem"), Pkcs8(leaf));
        File.WriteAllText(Path.Combine(dir, "bundle.pem"), Root.ExportCertificatePem());
        var result = CredentialLoader.Load(Path.Combine(dir, "cert.pem"), Path.Combine(dir, "key.pem"), Path.Combine(dir, "bundle.pem"), TrustDomain);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        return result.Credentials!;
    }

    public static string Pkcs8(X509Certificate2 cert) =>
        cert.GetECDsaPrivateKey() is { } ec ? ec.ExportPkcs8PrivateKeyPem() : cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

    public static string Sec1(X509Certificate2 cert) => cert.GetECDsaPrivateKey()!.ExportECPrivateKeyPem();

    public static string Pkcs1(X509Certificate2 cert) => cert.GetRSAPrivateKey()!.ExportRSAPrivateKeyPem();

    public static string OtherEcKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose()
    {
        Root.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
