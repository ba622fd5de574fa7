using Relay.Tls.Certificates;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class CredentialLoaderTests : IDisposable
{
    private const string VmA = "spiffe://corp.example/host/vm-a";
    private readonly TestPki pki = new();

    public void Dispose() => pki.Dispose();

    private CredentialLoadResult Load() => CredentialLoader.Load(pki.CertPath, pki.KeyPath, pki.BundlePath, TestPki.TrustDomain);

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Theory]
    [InlineData(LeafKeyKind.EcdsaP256, "pkcs8")]
    [InlineData(LeafKeyKind.EcdsaP256, "sec1")]
    [InlineData(LeafKeyKind.Rsa2048, "pkcs8")]
    [InlineData(LeafKeyKind.Rsa2048, "pkcs1")]
    public void Load_ValidLeaf_ReturnsCredentials(LeafKeyKind kind, string keyForm)
    {
        using var leaf = pki.Leaf(LeafOptions.ForIdentity(VmA, Now, TimeSpan.FromDays(1)) with { Key = kind });
        var keyPem = keyForm switch { "sec1" => TestPki.Sec1(leaf), "pkcs1" => TestPki.Pkcs1(leaf), _ => TestPki.Pkcs8(leaf) };
        pki.Write(leaf, keyPem: keyPem);

        var result = Load();

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(VmA, result.Credentials!.SpiffeId.ToString());
        Assert.True(result.Credentials.Leaf.HasPrivateKey);
        Assert.Equal(leaf.Thumbprint, result.Credentials.Leaf.Thumbprint);
    }

    [Fact]
    public void Load_LeafWithIntermediate_KeepsIntermediateForTheChain()
    {
        using var intermediate = pki.Leaf(new LeafOptions(["spiffe://corp.example"], Now.AddMinutes(-5), Now.AddDays(1)) { IsCa = true, ServerAuth = false, ClientAuth = false });
        using var leaf = CertificateAuthority.Issue(intermediate, LeafOptions.ForIdentity(VmA, Now, TimeSpan.FromHours(1)));
        pki.Write(leaf, chain: [intermediate]);

        var result = Load();

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Single(result.Credentials!.Intermediates);
    }

    [Fact]
    public void Load_MismatchedKey_Rejected()
    {
        using var leaf = pki.Leaf(VmA);
        pki.Write(leaf, keyPem: TestPki.OtherEcKey());
        AssertRejected(Load(), "does not fit");
    }

    [Fact]
    public void Load_Expired_Rejected()
    {
        using var leaf = pki.Leaf(new LeafOptions([VmA], Now.AddHours(-3), Now.AddHours(-1)));
        pki.Write(leaf);
        AssertRejected(Load(), "expired");
    }

    [Fact]
    public void Load_NotYetValid_Rejected()
    {
        using var leaf = pki.Leaf(new LeafOptions([VmA], Now.AddHours(1), Now.AddHours(3)));
        pki.Write(leaf);
        AssertRejected(Load(), "not valid yet");
    }

    [Fact]
    public void Load_WrongTrustDomain_Rejected()
    {
        using var leaf = pki.Leaf("spiffe://other.example/host/vm-a");
        pki.Write(leaf);
        AssertRejected(Load(), "not in trust domain 'corp.example'");
    }

    [Fact]
    public void Load_TwoUriSans_Rejected()
    {
        using var leaf = pki.Leaf(new LeafOptions([VmA, "spiffe://corp.example/host/vm-b"], Now.AddMinutes(-1), Now.AddHours(1)));
        pki.Write(leaf);
        AssertRejected(Load(), "2 URI SANs");
    }

    [Fact]
    public void Load_CaAsLeaf_Rejected()
    {
        using var leaf = pki.Leaf(new LeafOptions([VmA], Now.AddMinutes(-1), Now.AddHours(1)) { IsCa = true });
        pki.Write(leaf);
        AssertRejected(Load(), "is a CA");
    }

    [Fact]
    public void Load_MissingClientAuthEku_Rejected()
    {
        using var leaf = pki.Leaf(new LeafOptions([VmA], Now.AddMinutes(-1), Now.AddHours(1)) { ClientAuth = false });
        pki.Write(leaf);
        AssertRejected(Load(), "clientAuth");
    }

    [Fact]
    public void Load_BundleFromAnotherCa_Rejected()
    {
        using var other = new TestPki();
        using var leaf = pki.Leaf(VmA);
        pki.Write(leaf, bundle: [other.Root]);
        AssertRejected(Load(), "does not chain to the trust bundle");
    }

    [Fact]
    public void Load_GarbageCertificateFile_Rejected()
    {
        using var leaf = pki.Leaf(VmA);
        pki.Write(leaf);
        File.WriteAllText(pki.CertPath, "this is not PEM\n");
        AssertRejected(Load(), "no PEM 'CERTIFICATE' block");
    }

    [Fact]
    public void Load_GarbageKeyFile_Rejected()
    {
        using var leaf = pki.Leaf(VmA);
        pki.Write(leaf, keyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        AssertRejected(Load(), "private key");
    }

    [Fact]
    public void Load_MissingFile_Rejected()
    {
        using var leaf = pki.Leaf(VmA);
        pki.Write(leaf);
        File.Delete(pki.BundlePath);
        AssertRejected(Load(), "trust bundle");
    }

    private static void AssertRejected(CredentialLoadResult result, string expectedFragment)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Credentials);
        Assert.Contains(result.Errors, e => e.Contains(expectedFragment, StringComparison.Ordinal));
    }
}
