using System.Collections.Immutable;
using Relay.Tls.Certificates;
using Relay.Tls.Identity;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class PeerCertificateValidatorTests : IDisposable
{
    private const string VmB = "spiffe://corp.example/host/vm-b";
    private readonly TestPki pki = new();
    private readonly MeshCredentials ours;
    private readonly PeerCertificateValidator validator = new();

    public PeerCertificateValidatorTests() => ours = pki.Credentials("spiffe://corp.example/host/vm-a");

    public void Dispose() => pki.Dispose();

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private PeerValidationResult Validate(LeafOptions options, PeerRole role = PeerRole.Client, ImmutableArray<SpiffeIdPattern>? allow = null)
    {
        using var peer = pki.Leaf(options);
        return validator.Validate(peer, null, ours, role, allow);
    }

    private static LeafOptions Good(params string[] uris) => new(uris.Length == 0 ? [VmB] : uris, Now.AddMinutes(-1), Now.AddHours(1));

    [Fact]
    public void Validate_GoodPeer_AcceptsWithId()
    {
        var result = Validate(Good());
        Assert.True(result.Accepted, result.Detail);
        Assert.Equal(VmB, result.PeerId!.ToString());
    }

    [Fact]
    public void Validate_NoCertificate_NoCertificate() =>
        Assert.Equal(PeerRejectReason.NoCertificate, validator.Validate(null, null, ours, PeerRole.Client, null).Reason);

    [Fact]
    public void Validate_OtherCa_UntrustedChain()
    {
        using var other = new TestPki();
        using var peer = other.Leaf(VmB);
        Assert.Equal(PeerRejectReason.UntrustedChain, validator.Validate(peer, null, ours, PeerRole.Client, null).Reason);
    }

    [Fact]
    public void Validate_Expired_Expired() =>
        Assert.Equal(PeerRejectReason.Expired, Validate(new LeafOptions([VmB], Now.AddHours(-2), Now.AddHours(-1))).Reason);

    [Fact]
    public void Validate_Future_NotYetValid() =>
        Assert.Equal(PeerRejectReason.NotYetValid, Validate(new LeafOptions([VmB], Now.AddHours(1), Now.AddHours(2))).Reason);

    [Fact]
    public void Validate_CaLeaf_CaAsLeaf() =>
        Assert.Equal(PeerRejectReason.CaAsLeaf, Validate(Good() with { IsCa = true }).Reason);

    [Theory]
    [InlineData(PeerRole.Client)]
    [InlineData(PeerRole.Server)]
    public void Validate_MissingEkuForRole_WrongKeyUsage(PeerRole role)
    {
        var options = role == PeerRole.Client ? Good() with { ClientAuth = false } : Good() with { ServerAuth = false };
        Assert.Equal(PeerRejectReason.WrongKeyUsage, Validate(options, role).Reason);
    }

    [Fact]
    public void Validate_TwoUris_MultipleUriSans() =>
        Assert.Equal(PeerRejectReason.MultipleUriSans, Validate(Good(VmB, "spiffe://corp.example/x")).Reason);

    [Fact]
    public void Validate_HttpsUri_NotSpiffe() =>
        Assert.Equal(PeerRejectReason.NotSpiffe, Validate(Good("https://corp.example/x")).Reason);

    [Fact]
    public void Validate_NoUri_NoUriSan() =>
        Assert.Equal(PeerRejectReason.NoUriSan, Validate(new LeafOptions([], Now.AddMinutes(-1), Now.AddHours(1))).Reason);

    [Fact]
    public void Validate_OtherTrustDomainSignedByOurCa_WrongTrustDomain() =>
        Assert.Equal(PeerRejectReason.WrongTrustDomain, Validate(Good("spiffe://other.example/host/vm-b")).Reason);

    [Fact]
    public void Validate_NotInAllowList_IdentityNotAllowed()
    {
        SpiffeIdPattern.TryParse("spiffe://corp.example/host/vm-c", out var only, out _);
        var result = Validate(Good(), allow: [only!]);
        Assert.Equal(PeerRejectReason.IdentityNotAllowed, result.Reason);
        Assert.Equal("identity_not_allowed", result.Reason.Label());
    }
}
