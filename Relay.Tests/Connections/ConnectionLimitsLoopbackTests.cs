using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Vocabulary;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Connections;

/// <summary>
/// Issue 17 §2 on a plaintext Relay: inbound and outbound have separate pools, one source may
/// hold only so many connections that have not authenticated (plaintext: sent a byte), and an
/// inbound plaintext caller that never sends a byte is closed at limits.first_byte_timeout.
/// Sources are distinct loopback addresses (127.0.0.0/8 is all loopback on Linux).
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class ConnectionLimitsLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task InboundPoolFull_LocalAppsOutboundConnectionsAreAllServed()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await StartAsync(echo, "{ max_connections: 20, max_unauthenticated_per_source: 1000 }");
        var held = new List<Socket>();
        try
        {
            // 30 silent callers from 30 sources: 20 fill the inbound pool, 10 are refused.
            for (var i = 0; i < 30; i++)
            {
                held.Add(await FloodConnectAsync(SourceAddress(i), relay.InboundPort));
            }
            await Eventually.TrueAsync(() => relay.Runtime.Registry.CountOf(Direction.Inbound) == 20, Wait);
            await Eventually.TrueAsync(() => ScrapedCounter.Closed(relay.Exporter.Scrape(), "inbound", "max_connections_exceeded") == 10, Wait);

            // Before issue 17 the one shared limit refused every one of these.
            var outbound = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => EchoAsync(IPAddress.Loopback, relay.OutboundPort, $"app {i}")));

            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"app {i}"), outbound);
            Assert.Equal(20, relay.Runtime.Registry.CountOf(Direction.Inbound));
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task OneSource_HoldsAtMostItsLimitOfSilentConnections_OtherSourcesAreServed()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await StartAsync(echo, "{ max_unauthenticated_per_source: 4 }");
        var attacker = IPAddress.Parse("127.0.0.2");
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 7; i++)
            {
                held.Add(await FloodConnectAsync(attacker, relay.InboundPort));
            }
            await Eventually.TrueAsync(() => ScrapedCounter.Closed(relay.Exporter.Scrape(), "inbound", "source_limit_exceeded") == 3, Wait);
            Assert.Equal(4, relay.Runtime.Registry.CountOf(Direction.Inbound));

            Assert.Equal("other source", await EchoAsync(IPAddress.Parse("127.0.0.3"), relay.InboundPort, "other source"));

            // One of the attacker's connections speaks: it no longer counts, so its source may open one more.
            var speaker = held[0];
            await SocketIo.SendAllAsync(speaker, "x"u8.ToArray());
            Assert.Equal((byte)'x', await ReadByteAsync(speaker));
            string? again = null;
            await Eventually.TrueAsync(() =>
            {
                again ??= EchoAsync(attacker, relay.InboundPort, "again").GetAwaiter().GetResult();
                return again == "again";
            }, Wait);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task SilentInboundPlaintext_ClosedAtTheFirstByteTimeout_TalkersAndOutboundKeepGoing()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await StartAsync(echo, "{ first_byte_timeout: 2s, idle_timeout: 1h }");
        using var silent = await ConnectFromAsync(IPAddress.Parse("127.0.0.2"), relay.InboundPort);
        using var talker = await ConnectFromAsync(IPAddress.Parse("127.0.0.3"), relay.InboundPort);
        using var outboundSilent = await ConnectFromAsync(IPAddress.Loopback, relay.OutboundPort);
        await SocketIo.SendAllAsync(talker, "t"u8.ToArray());
        Assert.Equal((byte)'t', await ReadByteAsync(talker));
        var started = Stopwatch.GetTimestamp();

        var line = await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=first_byte_timeout"), Wait);

        Assert.Contains("client=127.0.0.2", line);
        Assert.Contains("direction=inbound", line);
        // The sweep ticks once a second: closed within 2-3 s of accept, never before 2 s.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(10));
        Assert.True(long.Parse(System.Text.RegularExpressions.Regex.Match(line, @"duration_ms=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1900, line);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (await ReadByteAsync(silent) is null)
            {
                throw new IOException("closed");
            }
        });
        await SocketIo.SendAllAsync(talker, "u"u8.ToArray());
        Assert.Equal((byte)'u', await ReadByteAsync(talker));
        // Local apps are not subject to it: the silent outbound connection is still there.
        Assert.Equal(1, relay.Runtime.Registry.CountOf(Direction.Outbound));
    }

    private static Task<LoopbackRelay> StartAsync(LoopbackEchoServer echo, string limits) =>
        LoopbackRelay.StartAsync(
            $"limits: {limits}\ninbound:\n  - {{ port: {echo.EndPoint.Port}, forward_to: \"{echo.EndPoint}\" }}\n",
            new Relay.Core.Net.OriginalDestination(Relay.Core.Net.NetEndpoint.From(echo.EndPoint)));

    private static IPAddress SourceAddress(int i) => new([127, 0, 1, (byte)(i + 1)]);

    private static async Task<Socket> ConnectFromAsync(IPAddress source, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>A flood connection: a refused one may be reset before its connect completes, which is expected.</summary>
    private static async Task<Socket> FloodConnectAsync(IPAddress source, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(source, 0));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException)
        {
            // Accepted and refused (RST) before the connect's completion was seen.
        }
        return socket;
    }

    private static async Task<string?> EchoAsync(IPAddress source, int port, string text)
    {
        try
        {
            using var socket = await ConnectFromAsync(source, port);
            await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes(text));
            socket.Shutdown(SocketShutdown.Send);
            return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, TimeSpan.FromSeconds(10)));
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>One byte, or null on an orderly close; throws on RST or after 10 s.</summary>
    private static async Task<byte?> ReadByteAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var one = new byte[1];
        return await socket.ReceiveAsync(one, SocketFlags.None, cts.Token) == 1 ? one[0] : null;
    }
}
