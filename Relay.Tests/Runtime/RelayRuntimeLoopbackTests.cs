using System.Net.Sockets;
using System.Text;
using Relay.Tests.Support;

namespace Relay.Tests.Runtime;

[Trait("Tier", "Loopback")]
public sealed class RelayRuntimeLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Echo_ThroughRuntime_LogsOneCompletedAccessLine()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await LoopbackRelay.StartAsync(echo.EndPoint, "{}");
        using (var client = await relay.ConnectAsync())
        {
            await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("hello"));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal("hello", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client)));
        }
        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("direction=outbound", line);
        Assert.Contains("up=5 down=5", line);
        Assert.Contains("reason=completed", line);
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"completed\"} 1", relay.Exporter.Scrape());
    }

    [Fact]
    public async Task IdleConnection_IsResetAfterIdleTimeout()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await LoopbackRelay.StartAsync(echo.EndPoint, "{ idle_timeout: 1s }");
        using var client = await relay.ConnectAsync();
        await SocketIo.SendAllAsync(client, new byte[] { 42 });
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(client, Wait));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        var idle = DateTime.UtcNow - started;
        // 1 s timeout swept by a 1 s heartbeat: closes between 1 and ~2 s; 10 s allows a loaded CI box.
        Assert.InRange(idle, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=idle_timeout"), Wait);
    }

    [Fact]
    public async Task ActiveConnection_IsNotClosedByIdleTimeout()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await LoopbackRelay.StartAsync(echo.EndPoint, "{ idle_timeout: 3s }");
        using var client = await relay.ConnectAsync();
        var buffer = new byte[1];
        // 5 s of traffic every 250 ms: longer than the timeout, never idle for it (12x margin
        // for a loaded 2-core CI box stretching the delays).
        for (var i = 0; i < 20; i++)
        {
            await SocketIo.SendAllAsync(client, new byte[] { (byte)i });
            using var cts = new CancellationTokenSource(Wait);
            Assert.Equal(1, await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token));
            await Task.Delay(250);
        }
        Assert.DoesNotContain(relay.Log.AccessLines, l => l.Contains("idle_timeout"));
    }

    [Fact]
    public async Task MaxConnections_RefusesTheOneOverTheLimit_AndServesAgainAfter()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await LoopbackRelay.StartAsync(echo.EndPoint, "{ max_connections: 2 }");
        using var first = await relay.ConnectAsync();
        using var second = await relay.ConnectAsync();
        await SocketIo.SendAllAsync(first, new byte[] { 1 });
        await SocketIo.SendAllAsync(second, new byte[] { 2 });
        await Eventually.TrueAsync(() => relay.Runtime.Registry.Count == 2, Wait);

        // The RST can beat connect()'s completion on loopback, so it may surface from either call.
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var third = await relay.ConnectAsync();
            await SocketIo.ReadToEndAsync(third, Wait);
        });
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        await Eventually.TrueAsync(() => ScrapedCounter.Closed(relay.Exporter.Scrape(), "outbound", "max_connections_exceeded") == 1, Wait);

        first.Dispose();
        await Eventually.TrueAsync(() => relay.Runtime.Registry.Count < 2, Wait);
        using var fourth = await relay.ConnectAsync();
        await SocketIo.SendAllAsync(fourth, Encoding.ASCII.GetBytes("ok"));
        fourth.Shutdown(SocketShutdown.Send);
        Assert.Equal("ok", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(fourth)));
    }

    [Fact]
    public async Task VanishingPeers_AreCountedWithReasons_AndOthersStillServed()
    {
        using var echo = new LoopbackEchoServer();
        using var resetter = new LoopbackEchoServer(resetOnAccept: true);
        await using var relay = await LoopbackRelay.StartAsync(echo.EndPoint, "{}");
        // Client sends garbage then vanishes with RST.
        using (var rude = await relay.ConnectAsync())
        {
            await SocketIo.SendAllAsync(rude, Encoding.ASCII.GetBytes("\x16\x03\x01garbage\0\xff"));
            await Task.Delay(100);
            rude.LingerState = new LingerOption(true, 0);
        }
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=client_reset"), Wait);

        using var client = await relay.ConnectAsync();
        await SocketIo.SendAllAsync(client, Encoding.ASCII.GetBytes("still here"));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("still here", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(client)));
        Assert.Contains("reason=\"client_reset\"} 1", relay.Exporter.Scrape());
    }
}
