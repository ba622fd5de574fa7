using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Relay.Core.Http;

namespace Relay.Tests.Http;

/// <summary>Which request targets go upstream verbatim (any with a percent-encoding and no dot segment) and which keep YARP's URI.</summary>
[Trait("Tier", "Unit")]
public sealed class VerbatimTargetTests
{
    [Theory]
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/a%2fb?q=%2F&r=%20", "/a%2fb?q=%2F&r=%20")]
    [InlineData("/files/x%20y%2Fz", "/files/x%20y%2Fz")]
    [InlineData("/a/..%2Fb", "/a/..%2Fb")] // "..%2Fb" is one segment to Kestrel too, not a dot segment
    [InlineData("/a/...", null)] // no '%': YARP's URI is the same text
    [InlineData("/plain/path?x=1", null)]
    [InlineData("/a/../b%2Fc", null)]
    [InlineData("/a/%2e%2E/b%2Fc", null)]
    [InlineData("/a/%2E/b%2F", null)]
    [InlineData("/a/.%2e/b%2F", null)]
    [InlineData("/a%2F/..", null)]
    [InlineData("/x?path=/a/../b%2F", "/x?path=/a/../b%2F")] // dots in the query are not path segments
    [InlineData("http://h/a%2Fb", null)] // absolute-form: YARP's URI
    [InlineData("*", null)]
    public void PathAndQuery(string rawTarget, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;

        Assert.Equal(expected, VerbatimTarget.PathAndQuery(context));
    }

    [Fact]
    public void UriFor_KeepsTheEncodingExactly()
    {
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/a%2Fb%2f?q=%2F%41";

        var uri = VerbatimTarget.UriFor("http://e0.relay.internal", context)!;

        Assert.Equal("/a%2Fb%2f?q=%2F%41", uri.PathAndQuery);
        Assert.Equal("e0.relay.internal", uri.Host);
    }
}
