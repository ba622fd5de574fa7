using Relay.Tls.Identity;

namespace Relay.Tests.Tls;

[Trait("Tier", "Unit")]
public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("spiffe://corp.example/host/vm-a", "corp.example", "/host/vm-a")]
    [InlineData("spiffe://corp.example", "corp.example", "")]
    [InlineData("spiffe://a-b_c.9/x.y/Z_1", "a-b_c.9", "/x.y/Z_1")]
    public void Parse_Valid_SplitsTrustDomainAndPath(string text, string td, string path)
    {
        var id = SpiffeId.Parse(text);
        Assert.Equal(td, id.TrustDomain);
        Assert.Equal(path, id.Path);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://corp.example/x")]
    [InlineData("spiffe://")]
    [InlineData("spiffe://Corp.example/x")]
    [InlineData("spiffe://corp.example/")]
    [InlineData("spiffe://corp.example//x")]
    [InlineData("spiffe://corp.example/a/../b")]
    [InlineData("spiffe://corp.example/./b")]
    [InlineData("spiffe://corp.example:443/x")]
    [InlineData("spiffe://user@corp.example/x")]
    [InlineData("spiffe://corp.example/x?q=1")]
    [InlineData("spiffe://corp.example/x#f")]
    [InlineData("spiffe://corp.example/x y")]
    public void TryParse_Invalid_ReturnsError(string text)
    {
        Assert.False(SpiffeId.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void TryParse_TooLong_ReturnsError()
    {
        var text = "spiffe://corp.example/" + new string('a', 2048);
        Assert.False(SpiffeId.TryParse(text, out _, out var error));
        Assert.Contains("2048", error);
    }

    [Theory]
    [InlineData("spiffe://corp.example/host/vm-a", "spiffe://corp.example/host/vm-a", true)]
    [InlineData("spiffe://corp.example/host/vm-a", "spiffe://corp.example/host/vm-b", false)]
    [InlineData("spiffe://corp.example/*", "spiffe://corp.example/host/vm-a", true)]
    [InlineData("spiffe://corp.example/*", "spiffe://other.example/host/vm-a", false)]
    [InlineData("spiffe://corp.example/ns/prod/*", "spiffe://corp.example/ns/prod/api", true)]
    [InlineData("spiffe://corp.example/ns/prod/*", "spiffe://corp.example/ns/prod/a/b", true)]
    [InlineData("spiffe://corp.example/ns/prod/*", "spiffe://corp.example/ns/production", false)]
    [InlineData("spiffe://corp.example/ns/prod/*", "spiffe://corp.example/ns/prod", false)]
    [InlineData("spiffe://corp.example/host/vm-a", "spiffe://other.example/host/vm-a", false)]
    public void Pattern_Matches_FollowsExactDomainAndPrefixRules(string pattern, string id, bool expected)
    {
        Assert.True(SpiffeIdPattern.TryParse(pattern, out var p, out var error), error);
        Assert.Equal(expected, p!.Matches(SpiffeId.Parse(id)));
    }
}
