using System.Net.Security;
using System.Security.Authentication;
using Relay.Core.Detect;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Detect;

[Trait("Tier", "Loopback")]
public sealed class ClientHelloPeekTests
{
    [Fact]
    public async Task Parse_RealMeshClientHello_ReadsAlpnAndSni()
    {
        var hello = await ClientHelloCapture.CaptureAsync("orders.mesh.test", [MeshAlpn.Protocol]);

        var result = ClientHelloPeek.Parse(hello);

        Assert.Equal(ClientHelloPeekStatus.Tls, result.Status);
        Assert.Equal([MeshAlpn.Token], result.Alpn.ToArray());
        Assert.Equal("orders.mesh.test", result.Sni);
        Assert.Equal(DetectedProtocol.MeshTls, ProtocolDetector.Detect(hello));
    }

    [Fact]
    public async Task Parse_RealBrowserLikeHello_IsOtherTls()
    {
        var hello = await ClientHelloCapture.CaptureAsync("www.example.com", [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);

        var result = ClientHelloPeek.Parse(hello);

        Assert.Equal(["h2", "http/1.1"], result.Alpn.ToArray());
        Assert.Equal(DetectedProtocol.OtherTls, ProtocolDetector.Detect(hello));
    }

    [Fact]
    public async Task Parse_Tls12HelloToIpLiteral_HasNoSniNoAlpn()
    {
        var hello = await ClientHelloCapture.CaptureAsync("127.0.0.1", null, SslProtocols.Tls12);

        var result = ClientHelloPeek.Parse(hello);

        Assert.Equal(ClientHelloPeekStatus.Tls, result.Status);
        Assert.Empty(result.Alpn);
        Assert.Null(result.Sni);
        Assert.Equal(DetectedProtocol.OtherTls, ProtocolDetector.Detect(hello));
    }

    [Fact]
    public async Task Parse_EveryTruncation_NeedsMoreData()
    {
        var hello = await ClientHelloCapture.CaptureAsync("orders.mesh.test", [MeshAlpn.Protocol]);
        for (var length = 0; length < hello.Length; length++)
        {
            var result = ClientHelloPeek.Parse(hello.AsSpan(0, length));
            Assert.Equal(ClientHelloPeekStatus.NeedMoreData, result.Status);
            Assert.True(result.BytesNeeded > length, $"BytesNeeded {result.BytesNeeded} at length {length}");
        }
    }

    [Fact]
    public async Task Parse_HelloFragmentedIntoSmallRecords_Reassembles()
    {
        var hello = await ClientHelloCapture.CaptureAsync("orders.mesh.test", [MeshAlpn.Protocol]);
        var fragmented = Fragment(hello, 100);

        var result = ClientHelloPeek.Parse(fragmented);

        Assert.Equal(ClientHelloPeekStatus.Tls, result.Status);
        Assert.Equal([MeshAlpn.Token], result.Alpn.ToArray());
        Assert.Equal("orders.mesh.test", result.Sni);
        Assert.Equal(ClientHelloPeekStatus.NeedMoreData, ClientHelloPeek.Parse(fragmented.AsSpan(0, fragmented.Length - 1)).Status);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n", DetectedProtocol.Http1)]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", DetectedProtocol.Http2)]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n", DetectedProtocol.Unknown)]
    public void Parse_Plaintext_IsNotTls(string text, DetectedProtocol expected)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.Equal(ClientHelloPeekStatus.NotTls, ClientHelloPeek.Parse(bytes).Status);
        Assert.Equal(expected, ProtocolDetector.Detect(bytes));
    }

    /// <summary>
    /// A first record shorter than the handshake header: the next bytes are the second record's
    /// header, not the hello's length. Read in place they once made a 65 KiB "hello" (OtherTls)
    /// out of bytes whose first 7 said NotTls. Relay.Fuzz found both inputs (corpus/detect/regress-*).
    /// </summary>
    [Theory]
    [InlineData(new byte[] { 0x16, 3, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1 }, 7)]
    [InlineData(new byte[] { 0x16, 3, 4, 0, 1, 1, 0x16, 0x20, 0, 0x16, 0x20, 0 }, 8)]
    public void Parse_OneByteFirstRecord_IsDecidedTheSameWholeOrCut(byte[] bytes, int cut)
    {
        Assert.Equal(ClientHelloPeekStatus.NotTls, ClientHelloPeek.Parse(bytes.AsSpan(0, cut)).Status);
        Assert.Equal(ClientHelloPeekStatus.NotTls, ClientHelloPeek.Parse(bytes).Status);
    }

    [Fact]
    public void Parse_Empty_NeedsRecordHeader()
    {
        var result = ClientHelloPeek.Parse([]);
        Assert.Equal(ClientHelloPeekStatus.NeedMoreData, result.Status);
        Assert.Equal(5, result.BytesNeeded);
    }

    [Theory]
    [InlineData(new byte[] { 22, 2, 0 })]
    [InlineData(new byte[] { 22, 3, 9 })]
    [InlineData(new byte[] { 22, 3, 1, 0, 0 })]
    [InlineData(new byte[] { 22, 3, 1, 0x40, 0x01 })]
    [InlineData(new byte[] { 22, 3, 1, 0, 4, 2, 0, 0, 0 })]
    [InlineData(new byte[] { 23, 3, 3, 0, 1, 0 })]
    public void Parse_BadHeaders_IsNotTls(byte[] bytes) =>
        Assert.Equal(ClientHelloPeekStatus.NotTls, ClientHelloPeek.Parse(bytes).Status);

    [Fact]
    public async Task Parse_CorruptedRealHello_NeverThrows()
    {
        var hello = await ClientHelloCapture.CaptureAsync("orders.mesh.test", [MeshAlpn.Protocol]);
        var random = new Random(1234);
        var statuses = new HashSet<ClientHelloPeekStatus>();
        for (var i = 0; i < 5_000; i++)
        {
            var copy = (byte[])hello.Clone();
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
            statuses.Add(ClientHelloPeek.Parse(copy).Status);
        }
        // Single-byte corruption mostly leaves TLS recognisable and sometimes breaks it: both paths ran.
        Assert.Contains(ClientHelloPeekStatus.Tls, statuses);
        Assert.Contains(ClientHelloPeekStatus.NotTls, statuses);
    }

    [Fact]
    [Trait("Tier", "Unit")]
    public void Parse_RandomGarbage_NeverThrows()
    {
        var random = new Random(42);
        var buffer = new byte[ClientHelloPeek.MaxPeekBytes];
        var seen = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var length = random.Next(0, i % 10 == 0 ? buffer.Length : 600);
            var span = buffer.AsSpan(0, length);
            random.NextBytes(span);
            if (i % 2 == 0 && length > 5)
            {
                // Half the inputs get a plausible handshake record header so the deeper parser runs.
                span[0] = 22;
                span[1] = 3;
                span[2] = (byte)random.Next(0, 4);
                span[5] = 1;
            }
            var result = ClientHelloPeek.Parse(span);
            seen += result.Status == ClientHelloPeekStatus.NotTls ? 1 : 0;
        }
        Assert.True(seen > 0);
    }

    /// <summary>Re-frames a single-record hello into records of at most <paramref name="size"/> payload bytes.</summary>
    private static byte[] Fragment(byte[] hello, int size)
    {
        var payload = hello.AsSpan(5, (hello[3] << 8) | hello[4]).ToArray();
        var output = new List<byte>();
        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var chunk = payload.AsSpan(offset, Math.Min(size, payload.Length - offset));
            output.AddRange([22, hello[1], hello[2], (byte)(chunk.Length >> 8), (byte)chunk.Length]);
            output.AddRange(chunk.ToArray());
        }
        return [.. output];
    }
}
