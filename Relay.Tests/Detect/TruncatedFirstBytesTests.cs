using System.Diagnostics;
using System.Net.Sockets;
using Relay.Core.Detect;
using Relay.Tests.Support;

namespace Relay.Tests.Detect;

/// <summary>
/// A truncated first message (issue 17 §4): a FIN after it ends detection at once instead of at
/// the timeout, and the bytes read while waiting for more are replayed to the data path.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class TruncatedFirstBytesTests
{
    // The TLS record header of a 512-byte hello, and nothing after it.
    private static readonly byte[] TruncatedHello = [0x16, 0x03, 0x01, 0x02, 0x00];

    [Fact]
    public async Task TruncatedHelloThenFin_EndsDetectionAtOnce()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync(TruncatedHello, SocketFlags.None);
        var started = Stopwatch.GetTimestamp();
        var detect = ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        pair.Left.Shutdown(SocketShutdown.Send);

        var detection = await detect;

        Assert.NotEqual(DetectionEnd.TimedOut, detection.End);
        Assert.NotEqual(DetectedProtocol.MeshTls, detection.Protocol);
        // The FIN wakes the pending read at once; 2 s is for a loaded machine, not the 10 s timeout.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), $"took {Stopwatch.GetElapsedTime(started)}");
    }

    [Fact]
    public async Task TruncatedHelloThenSilence_WaitsForTheTimeout()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync(TruncatedHello, SocketFlags.None);

        var detection = await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromMilliseconds(300));

        Assert.Equal(DetectionEnd.TimedOut, detection.End);
    }

    [Fact]
    public async Task AfterWaitingForMore_TheDataPathSeesEveryByte_ThenReadsOnFromTheSocket()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync("GET /a"u8.ToArray(), SocketFlags.None);
        var detect = ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        await Task.Delay(30);
        await pair.Left.SendAsync(" HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None);
        var detection = await detect;
        Assert.Equal(DetectedProtocol.Http1, detection.Protocol);

        // Everything so far (replayed), then one more byte that arrives later (from the socket).
        await using var stream = ClientStream.Open(pair.Right, detection);
        var all = new byte[19];
        await stream.ReadExactlyAsync(all).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("GET /a HTTP/1.1\r\n\r\n"u8.ToArray(), all);
        var one = new byte[1];
        var read = stream.ReadAsync(one).AsTask();
        await Task.Delay(20);
        await pair.Left.SendAsync("x"u8.ToArray(), SocketFlags.None);
        Assert.Equal(1, await read.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal((byte)'x', one[0]);
    }

    [Fact]
    public async Task TruncatedHelloThenSilence_TimesOut_WithItsBytesKeptForTheTcpPath()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync(TruncatedHello, SocketFlags.None);

        var detection = await ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromMilliseconds(300));

        // An auto port carries it as TCP: the upstream must still get the five bytes.
        Assert.Equal(DetectionEnd.TimedOut, detection.End);
        Assert.Equal(TruncatedHello, detection.Replay.ToArray());
    }
}
