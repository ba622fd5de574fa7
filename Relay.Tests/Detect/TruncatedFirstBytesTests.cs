using System.Diagnostics;
using System.Net.Sockets;
using Relay.Core.Detect;
using Relay.Tests.Support;

namespace Relay.Tests.Detect;

/// <summary>
/// A truncated first message (issue 17 §4): a FIN after it ends detection at once instead of at
/// the timeout, and the low-water mark used to wait for more is put back for the data path.
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
        // The back-off is at most 64 ms between looks; 2 s is for a loaded machine, not the 10 s timeout.
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
    public async Task AfterWaitingForMore_TheDataPathSeesEveryByte()
    {
        using var pair = await LoopbackPair.CreateAsync();
        await pair.Left.SendAsync("GET /a"u8.ToArray(), SocketFlags.None);
        var detect = ProtocolPeeker.PeekAsync(pair.Right, TimeSpan.FromSeconds(10));
        await Task.Delay(30);
        await pair.Left.SendAsync(" HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None);
        Assert.Equal(DetectedProtocol.Http1, (await detect).Protocol);

        // Everything so far, then one more byte: with the low-water mark left at "seen + 1" an
        // async read of a single byte would never wake.
        var all = new byte[19];
        for (var n = 0; n < all.Length;)
        {
            n += await pair.Right.ReceiveAsync(all.AsMemory(n), SocketFlags.None);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var one = new byte[1];
        var read = pair.Right.ReceiveAsync(one, SocketFlags.None, timeout.Token);
        await Task.Delay(20);
        await pair.Left.SendAsync("x"u8.ToArray(), SocketFlags.None);
        Assert.Equal(1, await read);
        Assert.Equal((byte)'x', one[0]);
    }
}
