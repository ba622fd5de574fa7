using System.Net.Sockets;
using System.Text;
using Relay.Core.Vocabulary;
using Relay.Tests.Support;

namespace Relay.Tests.Transport;

[Trait("Tier", "Loopback")]
public sealed class DuplexCopierTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClientHalfClose_IsPropagated_AndUpstreamCanStillReply()
    {
        await using var h = await CopierHarness.StartAsync();
        await SocketIo.SendAllAsync(h.App, Encoding.ASCII.GetBytes("request"));
        h.App.Shutdown(SocketShutdown.Send);

        var received = await SocketIo.ReadToEndAsync(h.Server);
        Assert.Equal("request", Encoding.ASCII.GetString(received));

        await SocketIo.SendAllAsync(h.Server, Encoding.ASCII.GetBytes("reply after client FIN"));
        h.Server.Shutdown(SocketShutdown.Send);
        var reply = await SocketIo.ReadToEndAsync(h.App);
        Assert.Equal("reply after client FIN", Encoding.ASCII.GetString(reply));

        var result = await h.Copy.WaitAsync(Deadline);
        Assert.Equal(CloseReason.Completed, result.Reason);
        Assert.Equal(7, result.BytesToUpstream);
        Assert.Equal(22, result.BytesToClient);
    }

    [Fact]
    public async Task UpstreamHalfClose_IsPropagated_AndClientCanStillSend()
    {
        await using var h = await CopierHarness.StartAsync();
        await SocketIo.SendAllAsync(h.Server, Encoding.ASCII.GetBytes("banner"));
        h.Server.Shutdown(SocketShutdown.Send);
        Assert.Equal("banner", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(h.App)));

        await SocketIo.SendAllAsync(h.App, Encoding.ASCII.GetBytes("late upload"));
        h.App.Shutdown(SocketShutdown.Send);
        Assert.Equal("late upload", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(h.Server)));

        var result = await h.Copy.WaitAsync(Deadline);
        Assert.Equal(CloseReason.Completed, result.Reason);
    }

    [Fact]
    public async Task ClientReset_ResetsUpstream_WithClientResetReason()
    {
        await using var h = await CopierHarness.StartAsync();
        await SocketIo.SendAllAsync(h.App, new byte[] { 1, 2, 3 });
        await ReadExactlyAsync(h.Server, 3);
        h.App.LingerState = new LingerOption(true, 0);
        h.App.Close();

        var result = await h.Copy.WaitAsync(Deadline);
        Assert.Equal(CloseReason.ClientReset, result.Reason);
        var error = await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(h.Server));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task UpstreamReset_ResetsClient_WithUpstreamResetReason()
    {
        await using var h = await CopierHarness.StartAsync();
        h.Server.LingerState = new LingerOption(true, 0);
        h.Server.Close();

        var result = await h.Copy.WaitAsync(Deadline);
        Assert.Equal(CloseReason.UpstreamReset, result.Reason);
        var error = await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(h.App));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task OneGibibyte_EachWay_ArrivesIntact()
    {
        const long size = 1L << 30;
        await using var h = await CopierHarness.StartAsync();
        var upload = SocketIo.SendPatternAsync(h.App, size, seed: 1, Deadline * 4);
        var download = SocketIo.SendPatternAsync(h.Server, size / 4, seed: 2, Deadline * 4);
        var atServer = SocketIo.HashToEndAsync(h.Server, Deadline * 4);
        var atApp = SocketIo.HashToEndAsync(h.App, Deadline * 4);

        var sentUp = await upload;
        h.App.Shutdown(SocketShutdown.Send);
        var sentDown = await download;
        h.Server.Shutdown(SocketShutdown.Send);

        var (upBytes, upHash) = await atServer;
        var (downBytes, downHash) = await atApp;
        Assert.Equal(size, upBytes);
        Assert.Equal(sentUp, upHash);
        Assert.Equal(size / 4, downBytes);
        Assert.Equal(sentDown, downHash);
        var result = await h.Copy.WaitAsync(Deadline);
        Assert.Equal(CloseReason.Completed, result.Reason);
        Assert.Equal(size, result.BytesToUpstream);
    }

    [Fact]
    public async Task SlowReader_BackpressuresSender_InsteadOfBuffering()
    {
        await using var h = await CopierHarness.StartAsync(bufferSize: 65536);
        // The app never reads. The server writes until its send blocks; what it got out must be
        // bounded by kernel socket buffers plus one Relay buffer, not by the 512 MiB offered.
        var chunk = new byte[64 * 1024];
        long accepted = 0;
        h.Server.Blocking = false;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < until && accepted < 512L << 20)
        {
            var n = h.Server.Send(chunk, 0, chunk.Length, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                await Task.Delay(20);
                continue;
            }
            accepted += n;
        }
        Assert.False(h.Copy.IsCompleted, "the copy must still be running, only paused");
        Assert.True(accepted < 64L << 20, $"sender got {accepted} bytes out while the reader read nothing");
        // After the pause the stream still flows: the app can drain what was queued.
        h.Server.Blocking = true;
        h.Server.Shutdown(SocketShutdown.Send);
        var (bytes, _) = await SocketIo.HashToEndAsync(h.App, Deadline);
        Assert.Equal(accepted, bytes);
    }

    private static async Task ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(Deadline);
        while (read < count)
        {
            read += await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
        }
    }
}
