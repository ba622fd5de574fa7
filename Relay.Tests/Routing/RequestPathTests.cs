using Relay.Core.Routing;

namespace Relay.Tests.Routing;

/// <summary>The one path normalisation rules see: decode once, merge slashes, remove dot segments, keep case.</summary>
[Trait("Tier", "Unit")]
public sealed class RequestPathTests
{
    [Theory]
    [InlineData("/admin", "/admin")]
    [InlineData("/admin?x=1", "/admin")]
    [InlineData("/a%2Fb", "/a/b")]
    [InlineData("/a%2fb", "/a/b")]
    [InlineData("/%61dmin", "/admin")]
    [InlineData("//admin", "/admin")]
    [InlineData("/x//y///z", "/x/y/z")]
    [InlineData("/a/../admin", "/admin")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/../../admin", "/admin")]
    [InlineData("/a/%2E%2E/admin", "/admin")]
    [InlineData("/a%2F..%2Fadmin", "/admin")]
    [InlineData("/%252F", "/%2F")]
    [InlineData("/Admin", "/Admin")]
    [InlineData("/.well-known/x", "/.well-known/x")]
    [InlineData("/100%", "/100%")]
    [InlineData("/%zz", "/%zz")]
    [InlineData("http://host:80/a//b?q", "/a/b")]
    [InlineData("http://host", "/")]
    [InlineData("", "/")]
    public void Normalize_Variants(string raw, string expected) => Assert.Equal(expected, RequestPath.Normalize(raw));

    [Fact]
    public void Normalize_Utf8PercentEncoding_DecodesToText() => Assert.Equal("/café", RequestPath.Normalize("/caf%C3%A9"));

    [Fact]
    public void Normalize_IsIdempotentOnItsOutput()
    {
        foreach (var raw in new[] { "/a/../b//c/./d", "/x%2F%2E%2E%2Fy", "/%252e%252e/" })
        {
            var once = RequestPath.Normalize(raw);
            // Applying it again changes only what a second decode would (the %25 case): never a dot segment or '//'.
            Assert.DoesNotContain("//", once, StringComparison.Ordinal);
            Assert.DoesNotContain("/../", once + "/", StringComparison.Ordinal);
        }
    }
}
