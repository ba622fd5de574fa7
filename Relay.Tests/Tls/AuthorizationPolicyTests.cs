using System.Collections.Immutable;
using Relay.Tls.Identity;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class AuthorizationPolicyTests
{
    private static readonly SpiffeId Caller = SpiffeId.Parse("spiffe://corp.example/host/vm-a");

    private static ImmutableArray<SpiffeIdPattern> Patterns(params string[] texts) =>
        [.. texts.Select(t => SpiffeIdPattern.TryParse(t, out var p, out _) ? p! : throw new FormatException(t))];

    [Fact]
    public void Decide_NoAllowList_AllowsAnyMeshPeer() =>
        Assert.True(AuthorizationPolicy.Decide(null, Caller).Allowed);

    [Fact]
    public void Decide_EmptyAllowList_Denies()
    {
        var decision = AuthorizationPolicy.Decide(ImmutableArray<SpiffeIdPattern>.Empty, Caller);
        Assert.False(decision.Allowed);
        Assert.Contains("empty", decision.Reason);
    }

    [Theory]
    [InlineData(true, "spiffe://corp.example/host/vm-a")]
    [InlineData(true, "spiffe://corp.example/host/vm-b", "spiffe://corp.example/host/*")]
    [InlineData(true, "spiffe://corp.example/*")]
    [InlineData(false, "spiffe://corp.example/host/vm-b")]
    [InlineData(false, "spiffe://other.example/*")]
    [InlineData(false, "spiffe://corp.example/hosts/*")]
    public void Decide_AllowList_AllowsOnlyMatches(bool allowed, params string[] patterns)
    {
        var decision = AuthorizationPolicy.Decide(Patterns(patterns), Caller);
        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(allowed, decision.Reason is null);
    }
}
