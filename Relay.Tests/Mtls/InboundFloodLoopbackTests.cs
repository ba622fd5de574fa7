using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Vocabulary;
using Relay.Tests.Detect;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tls.MeshTls;

namespace Relay.Tests.Mtls;

/// <summary>
/// Issue 17 §2 against mesh mTLS: stalled ClientHellos (a full hello, then silence) flood B's
/// inbound port. B's local apps keep every outbound connection, A's mesh callers keep being
/// served while the flood comes from one source, and a stalled hello is closed at
/// limits.inbound_handshake_timeout. Before, one shared limit let 250 stalled hellos fail 149 of
/// 149 outbound connections. The attacker uses 127.0.0.2 and up; A reaches B from 127.0.0.1.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class InboundFloodLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task StalledHellosFromOneSource_OutboundAndMeshCallersAllServed()
    {
        using var echo = new LoopbackEchoServer();
        // A long handshake deadline so the flood is still held while the probes run.
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint,
            limitsOnB: "{ max_connections: 64, max_unauthenticated_per_source: 16, inbound_handshake_timeout: 60s }");
        var hello = await ClientHelloCapture.CaptureAsync("b", MeshAlpn.Offered);
        var flood = await StallAsync(Enumerable.Repeat(IPAddress.Parse("127.0.0.2"), 100), pair.InboundPortB, hello);
        try
        {
            // Counted, not access-logged one by one (a flood would fill the log): one warning says so.
            await Eventually.TrueAsync(() => ScrapedCounter.Closed(pair.MetricsB.Scrape(), "inbound", "source_limit_exceeded") == 84, Wait);
            Assert.DoesNotContain(pair.LogB.AccessLines, l => l.Contains("reason=source_limit_exceeded"));
            Assert.Single(pair.LogB.Messages, m => m.Contains("inbound connection refused as source_limit_exceeded"));
            Assert.Equal(16, pair.B.Registry.CountOf(Direction.Inbound));

            var outbound = await ProbeAsync(i => EchoAsync(pair.OutboundPortB, $"local {i}"), 30, "local");
            var mesh = await ProbeAsync(i => EchoAsync(pair.OutboundPortA, $"mesh {i}"), 30, "mesh");

            Assert.Equal(30, outbound);
            Assert.Equal(30, mesh);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task StalledHellosFromManySources_FillOnlyTheInboundPool_OutboundAllServed()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint,
            limitsOnB: "{ max_connections: 40, inbound_handshake_timeout: 60s }");
        var hello = await ClientHelloCapture.CaptureAsync("b", MeshAlpn.Offered);
        var sources = Enumerable.Range(0, 60).Select(i => new IPAddress([127, 0, 2, (byte)(i + 1)]));
        var flood = await StallAsync(sources, pair.InboundPortB, hello);
        try
        {
            await Eventually.TrueAsync(() => pair.B.Registry.CountOf(Direction.Inbound) == 40, Wait);
            await Eventually.TrueAsync(() => ScrapedCounter.Closed(pair.MetricsB.Scrape(), "inbound", "max_connections_exceeded") >= 1, Wait);

            Assert.Equal(30, await ProbeAsync(i => EchoAsync(pair.OutboundPortB, $"local {i}"), 30, "local"));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task StalledHello_ClosedAtTheInboundHandshakeTimeout()
    {
        using var echo = new LoopbackEchoServer();
        await using var pair = await MeshPairLoopback.StartAsync(echo.EndPoint, limitsOnB: "{ inbound_handshake_timeout: 1s }");
        var hello = await ClientHelloCapture.CaptureAsync("b", MeshAlpn.Offered);
        var started = Stopwatch.GetTimestamp();
        var flood = await StallAsync([IPAddress.Parse("127.0.0.2")], pair.InboundPortB, hello);
        try
        {
            var line = await pair.LogB.WaitForAccessLineAsync(l => l.Contains("client=127.0.0.2:"), Wait);

            Assert.Contains("reason=tls_handshake_failed", line);
            Assert.Contains("tls_error=timeout", line);
            var took = Stopwatch.GetElapsedTime(started);
            // 1 s deadline; the old fixed 10 s would fail the upper bound.
            Assert.InRange(took, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Connects from each source and sends the hello, then nothing.</summary>
    private static async Task<List<Socket>> StallAsync(IEnumerable<IPAddress> sources, int port, byte[] hello)
    {
        var held = new List<Socket>();
        foreach (var source in sources)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            held.Add(socket);
            socket.Bind(new IPEndPoint(source, 0));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                await socket.SendAsync(hello, SocketFlags.None);
            }
            catch (SocketException)
            {
                // Refused and reset at once: expected past a limit.
            }
        }
        return held;
    }

    /// <summary>Runs <paramref name="count"/> probes, 5 at a time; returns how many echoed correctly.</summary>
    private static async Task<int> ProbeAsync(Func<int, Task<string?>> probe, int count, string prefix)
    {
        var ok = 0;
        for (var i = 0; i < count; i += 5)
        {
            var batch = await Task.WhenAll(Enumerable.Range(i, 5).Select(probe));
            ok += batch.Select((text, j) => text == $"{prefix} {i + j}").Count(x => x);
        }
        return ok;
    }

    private static async Task<string?> EchoAsync(int port, string text)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes(text));
            socket.Shutdown(SocketShutdown.Send);
            return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, TimeSpan.FromSeconds(15)));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return null;
        }
    }
}
