using System.Net.Security;
using System.Text;
using Relay.Core.Config;
using Relay.Core.Detect;
using Relay.Core.Vocabulary;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Detect;

/// <summary>The detection table (docs/detection.md): every row, every prefix of it, and the budget.</summary>
[Trait("Tier", "Unit")]
public sealed class DetectionTableTests
{
    public static TheoryData<string> Methods => new()
    {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        "PROPFIND", "PURGE", "M-SEARCH",
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void RequestLine_EveryMethod_IsHttp1(string method)
    {
        var target = method == "CONNECT" ? "orders:443" : method == "OPTIONS" ? "*" : "/a/b?c=d";
        Assert.Equal(DetectedProtocol.Http1, Detect($"{method} {target} HTTP/1.1\r\nHost: x\r\n\r\n"));
        Assert.Equal(DetectedProtocol.Http1, Detect($"{method} {target} HTTP/1.0\r\n"));
    }

    [Fact]
    public void Http2Preface_IsHttp2()
    {
        Assert.Equal(DetectedProtocol.Http2, Detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        // The preface is followed at once by the client's SETTINGS frame.
        Assert.Equal(DetectedProtocol.Http2, Detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0"));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    [InlineData("DELETE /orders/1 HTTP/1.0\r\n")]
    public void EveryProperPrefix_NeedsMore_ThenTheWholeDecides(string text)
    {
        // Partial reads: a client may write its first line a byte at a time.
        for (var n = 0; n < text.Length; n++)
        {
            Assert.Equal(DetectedProtocol.NeedMore, Detect(text[..n]));
        }
        Assert.NotEqual(DetectedProtocol.NeedMore, Detect(text));
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    [InlineData("GET / http/1.1\r\n")]
    [InlineData("GET / HTTP/2.0\r\n")]
    [InlineData("GET  / HTTP/1.1\r\n")]
    [InlineData("GET / HTTP/1.1\n")]
    [InlineData("GET /\x01 HTTP/1.1\r\n")]
    [InlineData(" GET / HTTP/1.1\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n")]
    [InlineData("\0\0\0\0")]
    [InlineData("{\"json\":true}")]
    public void Garbage_IsUnknown(string text)
    {
        Assert.Equal(DetectedProtocol.Unknown, Detect(text));
    }

    [Fact]
    public void RandomBytes_NeverThrow_AndDecideOrAskForMoreWithinBudget()
    {
        var random = new Random(12);
        var buffer = new byte[ProtocolDetector.ByteBudget];
        for (var i = 0; i < 2_000; i++)
        {
            var length = random.Next(0, 64);
            random.NextBytes(buffer.AsSpan(0, length));
            var detected = ProtocolDetector.Detect(buffer.AsSpan(0, length));
            Assert.True(Enum.IsDefined(detected));
        }
    }

    [Fact]
    public void Empty_NeedsMore()
    {
        Assert.Equal(DetectedProtocol.NeedMore, ProtocolDetector.Detect([]));
    }

    [Fact]
    public void RequestLine_LongerThanItsLimit_IsUnknown()
    {
        var path = new string('a', HttpPrefaceParser.MaxRequestLine);
        Assert.Equal(DetectedProtocol.Unknown, Detect($"GET /{path}"));
        Assert.Equal(DetectedProtocol.NeedMore, Detect($"GET /{path[..100]}"));
    }

    /// <summary>
    /// A whole line over the limit is Unknown like its 8 KiB prefix, so the decision does not depend
    /// on how the client's writes were segmented (Relay.Fuzz's prefix property found the case: the
    /// whole line was Http1 while its first 8,192 bytes were Unknown).
    /// </summary>
    [Fact]
    public void RequestLine_OverItsLimit_IsUnknownWholeOrCut_AndOneThatFitsIsHttp1()
    {
        var over = Encoding.ASCII.GetBytes($"GET /{new string('a', HttpPrefaceParser.MaxRequestLine)} HTTP/1.1\r\n\r\n");
        Assert.Equal(DetectedProtocol.Unknown, ProtocolDetector.Detect(over));
        Assert.Equal(DetectedProtocol.Unknown, ProtocolDetector.Detect(over.AsSpan(0, HttpPrefaceParser.MaxRequestLine)));
        // "GET /" + path + " HTTP/1.1\r\n" is exactly the limit: 5 + path + 11.
        var fits = Encoding.ASCII.GetBytes($"GET /{new string('a', HttpPrefaceParser.MaxRequestLine - 16)} HTTP/1.1\r\n");
        Assert.Equal(HttpPrefaceParser.MaxRequestLine, fits.Length);
        Assert.Equal(DetectedProtocol.Http1, ProtocolDetector.Detect(fits));
        Assert.Equal(DetectedProtocol.NeedMore, ProtocolDetector.Detect(fits.AsSpan(0, fits.Length - 1)));
    }

    [Fact]
    public void AtBudget_TlsIsOtherTls_ElseUnknown()
    {
        Assert.Equal(DetectedProtocol.OtherTls, ProtocolDetector.AtBudget([22, 3, 1, 0x40, 0]));
        Assert.Equal(DetectedProtocol.Unknown, ProtocolDetector.AtBudget(Encoding.ASCII.GetBytes("GET /aaaa")));
    }

    [Fact]
    public async Task TlsClientHello_WithItsAlpn_IsMeshOrOtherTls()
    {
        var mesh = await ClientHelloCapture.CaptureAsync("a.relay.invalid", [MeshAlpn.FramedProtocol]);
        var h2 = await ClientHelloCapture.CaptureAsync("example.com", [SslApplicationProtocol.Http2]);
        Assert.Equal(DetectedProtocol.MeshTls, ProtocolDetector.Detect(mesh));
        Assert.Equal(DetectedProtocol.OtherTls, ProtocolDetector.Detect(h2));
        Assert.Equal(DetectedProtocol.NeedMore, ProtocolDetector.Detect(mesh.AsSpan(0, mesh.Length / 2)));
    }

    [Theory]
    [InlineData(AppProtocol.Tcp, DetectedProtocol.Http1, DetectionEnd.Recognised, ProxyProtocol.Tcp)]
    [InlineData(AppProtocol.Auto, DetectedProtocol.Http1, DetectionEnd.Recognised, ProxyProtocol.Http1)]
    [InlineData(AppProtocol.Auto, DetectedProtocol.Http2, DetectionEnd.Recognised, ProxyProtocol.Http2)]
    [InlineData(AppProtocol.Auto, DetectedProtocol.OtherTls, DetectionEnd.Recognised, ProxyProtocol.Tcp)]
    [InlineData(AppProtocol.Auto, DetectedProtocol.Unknown, DetectionEnd.TimedOut, ProxyProtocol.Tcp)]
    [InlineData(AppProtocol.Auto, DetectedProtocol.Unknown, DetectionEnd.Closed, ProxyProtocol.Tcp)]
    [InlineData(AppProtocol.Http, DetectedProtocol.Http2, DetectionEnd.Recognised, ProxyProtocol.Http2)]
    [InlineData(AppProtocol.Grpc, DetectedProtocol.Http2, DetectionEnd.Recognised, ProxyProtocol.Http2)]
    // A declared HTTP port never tunnels what is not HTTP: Kestrel answers it (400, 414, 408) instead.
    [InlineData(AppProtocol.Http, DetectedProtocol.Unknown, DetectionEnd.BudgetSpent, ProxyProtocol.Http1)]
    [InlineData(AppProtocol.Http, DetectedProtocol.Unknown, DetectionEnd.TimedOut, ProxyProtocol.Http1)]
    [InlineData(AppProtocol.Http, DetectedProtocol.OtherTls, DetectionEnd.Recognised, ProxyProtocol.Http1)]
    [InlineData(AppProtocol.Http2, DetectedProtocol.Unknown, DetectionEnd.Recognised, ProxyProtocol.Http1)]
    [InlineData(AppProtocol.Grpc, DetectedProtocol.Http1, DetectionEnd.Recognised, ProxyProtocol.Http1)]
    public void Decision_FollowsConfigThenBytes(AppProtocol configured, DetectedProtocol detected, DetectionEnd end, ProxyProtocol expected)
    {
        Assert.Equal(expected, ProtocolDecision.Decide(configured, new Detection(detected, end)));
    }

    [Fact]
    public void OnlyTcp_SkipsDetection()
    {
        Assert.False(ProtocolDecision.NeedsDetection(AppProtocol.Tcp));
        Assert.All([AppProtocol.Auto, AppProtocol.Http, AppProtocol.Http2, AppProtocol.Grpc],
            p => Assert.True(ProtocolDecision.NeedsDetection(p)));
    }

    private static DetectedProtocol Detect(string text) => ProtocolDetector.Detect(Encoding.Latin1.GetBytes(text));
}
