using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Detect;
using Relay.Tests.Support;

namespace Relay.Tests.Detect;

/// <summary>The detect stage on real sockets: partial writes, a silent (server-first) client, a client that closes.</summary>
[Trait("Tier", "Loopback")]
public sealed class ProtocolPeekerLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task RequestLineWrittenInPieces_IsHttp1_AndThePathStillReadsFromByteZero()
    {
        using var pair = await LoopbackPair.CreateAsync();
        var line = Encoding.ASCII.GetBytes("GET /orders HTTP/1.1\r\nHost: x\r\n\r\n");
        var peek = ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        foreach (var chunk in line.Chunk(4))
        {
            await pair.Left.SendAsync(chunk, SocketFlags.None);
            await Task.Delay(5);
        }
        var detection = await peek;
        Assert.Equal((DetectedProtocol.Http1, DetectionEnd.Recognised), (detection.Protocol, detection.End));
        // In pieces, so the stage read them: the client stream replays them, then reads the socket.
        Assert.False(detection.Replay.IsEmpty);
        await using var stream = ClientStream.Open(pair.Right, detection);
        var read = new byte[line.Length];
        await stream.ReadExactlyAsync(read).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(line, read);
    }

    [Fact]
    public async Task RequestLineInOneSegment_IsPeekedOnly_NothingToReplay()
    {
        using var pair = await LoopbackPair.CreateAsync();
        var line = Encoding.ASCII.GetBytes("GET /orders HTTP/1.1\r\nHost: x\r\n\r\n");
        await pair.Left.SendAsync(line, SocketFlags.None);
        await Task.Delay(20);
        var detection = await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        Assert.Equal(new Detection(DetectedProtocol.Http1, DetectionEnd.Recognised), detection);
        // MSG_PEEK: the socket itself still holds every byte.
        var read = new byte[line.Length];
        var n = 0;
        while (n < read.Length)
        {
            n += await pair.Right.ReceiveAsync(read.AsMemory(n), SocketFlags.None);
        }
        Assert.Equal(line, read);
    }

    [Fact]
    public async Task Http2Preface_IsHttp2()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray(), SocketFlags.None);
        Assert.Equal(DetectedProtocol.Http2, (await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10))).Protocol);
    }

    [Fact]
    public async Task SilentClient_TimesOutAsUnknown_AfterTheDetectTimeout()
    {
        // A server-first protocol: the client waits for the server's greeting and sends nothing.
        using var pair = await LoopbackPair.CreateAsync();
        var started = Stopwatch.GetTimestamp();
        var detection = await ProtocolPeeker.PeekAsync(pair.Right, Timeout);
        var waited = Stopwatch.GetElapsedTime(started);
        Assert.Equal(Detection.TimedOut, detection);
        Assert.Equal("timeout", detection.Label);
        Assert.InRange(waited, Timeout - TimeSpan.FromMilliseconds(20), Timeout + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ClientClosingFirst_IsClosed()
    {
        using var pair = await LoopbackPair.CreateAsync();
        pair.Left.Shutdown(SocketShutdown.Send);
        Assert.Equal(Detection.Closed, await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GarbageThatNeverEnds_StopsAtTheByteBudget()
    {
        using var pair = await LoopbackPair.CreateAsync();
        // A request line that never ends: detection gives up at the budget, not at the timeout.
        var bytes = Encoding.ASCII.GetBytes("GET /" + new string('a', ProtocolDetector.ByteBudget));
        var send = pair.Left.SendAsync(bytes, SocketFlags.None);
        var detection = await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        await send;
        Assert.Equal(DetectedProtocol.Unknown, detection.Protocol);
        Assert.NotEqual(DetectionEnd.TimedOut, detection.End);
    }
}
