using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Tests.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Listeners;

/// <summary>
/// A reload that removes a listener drains the connections it accepted, as Envoy drains a
/// listener LDS removed: HTTP/2 clients get GOAWAY and HTTP/1.1 clients <c>Connection: close</c>
/// while their in-flight request finishes; whatever is still open at limits.drain_timeout is
/// reset and recorded as drain_deadline. The registry's 1 s sweep starts the drain, so each wait
/// allows a tick plus a loaded machine.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class ListenerRemovalDrainTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RemovingAnHttp2Listener_SendsGoAway_AndTheInFlightRequestFinishes()
    {
        await using var upstream = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http2", out var listen, "drain_timeout: 15s");
        await using var client = await RawH2Client.ConnectAsync(listen);
        await client.SendGetAsync(1, "/slow?ms=2500");
        await Eventually.TrueAsync(() => upstream.Requests == 1, Wait);

        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(WithoutListener(upstream.Port, "http2", "drain_timeout: 15s"))));

        var (lastStream, error) = await client.GoAwayReceived.WaitAsync(Wait);
        Assert.Equal(0u, error); // NO_ERROR: a graceful shutdown, not a protocol error
        // Kestrel's graceful GOAWAY is two-phase (RFC 9113 §6.8): the first names 2^31-1, so that
        // streams already in flight toward it are covered; either way stream 1 is one it finishes.
        Assert.True(lastStream >= 1u, $"GOAWAY's last stream id {lastStream} excludes the in-flight stream");
        await Eventually.TrueAsync(() => client.Ended.ContainsKey(1u), Wait);
        Assert.Equal(200, client.Responses[1u]);
        Assert.Empty(client.Resets);
        await client.Closed.WaitAsync(Wait); // Kestrel closes once the last stream is done
        await AssertRefusedAsync(listen);
    }

    [Fact]
    public async Task RemovingAnHttp1Listener_EndsKeepAlive_WithConnectionClose_AfterTheInFlightResponse()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http", out var listen, "drain_timeout: 15s");
        using var socket = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("GET /slow?ms=2500 HTTP/1.1\r\nHost: x\r\n\r\n"));
        await Eventually.TrueAsync(() => upstream.Requests == 1, Wait);

        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(WithoutListener(upstream.Port, "http", "drain_timeout: 15s"))));

        // The response to the keep-alive request, then the end of the stream: no reset, no truncation.
        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));
        Assert.StartsWith("HTTP/1.1 200 ", reply);
        Assert.Contains("Connection: close", reply, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("done", reply);
        Assert.Contains("reason=completed", await relay.Log.WaitForAccessLineAsync(l => l.Contains("direction=outbound", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task RemovingATcpListener_KeepsItsConnectionsUntilTheDrainDeadline_ThenResetsThem()
    {
        using var echo = new LoopbackEchoServer();
        var listen = FreePorts.Next();
        var service = $"services:\n  echo-app: {{ port: 80, endpoints: [\"127.0.0.1:{echo.EndPoint.Port}\"], mesh_tls: false }}\n";
        await using var relay = await LoopbackRelay.StartAsync(
            "limits: { drain_timeout: 3s }\n" + service
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: echo-app }}\n", destination: null);
        using var socket = await ConnectAsync(listen);
        Assert.Equal("before", await EchoOnceAsync(socket, "before"));

        var removed = Stopwatch.StartNew();
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure("limits: { drain_timeout: 3s }\n" + service)));

        // Still carried while the drain runs: TCP has no graceful signal, so the deadline is the only end.
        await AssertRefusedAsync(listen);
        Assert.Equal("during", await EchoOnceAsync(socket, "during"));
        Assert.True(removed.Elapsed < TimeSpan.FromSeconds(3), $"the check itself took {removed.Elapsed}");
        var line = await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=drain_deadline", StringComparison.Ordinal), Wait);
        // 3 s plus at most one 1 s sweep tick, plus a loaded machine.
        Assert.InRange(removed.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
        Assert.Contains("service=echo-app", line);
        // Reset, not closed: a drain deadline cuts the stream, and the client must not mistake it for a whole one.
        var reset = await Assert.ThrowsAsync<SocketException>(() => SocketIo.ReadToEndAsync(socket, Wait));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
    }

    [Fact]
    public async Task AReloadKeepingTheListener_DrainsNothing()
    {
        await using var upstream = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        var limits = "drain_timeout: 1s";
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http2", out var listen, limits);
        await using var client = await RawH2Client.ConnectAsync(listen);
        await client.SendGetAsync(1, "/slow?ms=3000");
        await Eventually.TrueAsync(() => upstream.Requests == 1, Wait);

        // Same listener, a different service setting: the socket stays, so its connections are not drained.
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(
            L7Relay.Sections($"127.0.0.1:{upstream.Port}", "http2", listen, limits, "timeouts: { idle: 1h }"))));

        await Eventually.TrueAsync(() => client.Ended.ContainsKey(1u), Wait);
        Assert.Equal(200, client.Responses[1u]);
        Assert.False(client.GoAwayReceived.IsCompleted, "a kept listener's connection was told to go away");
    }

    private static string WithoutListener(int upstreamPort, string protocol, string limits) =>
        $"limits: {{ {limits} }}\n"
        + $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{upstreamPort}\"], mesh_tls: false, protocol: {protocol} }}\n";

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static async Task<string> EchoOnceAsync(Socket socket, string text)
    {
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes(text));
        var buffer = new byte[text.Length];
        var read = 0;
        using var timeout = new CancellationTokenSource(Wait);
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "the connection ended during the drain");
            read += n;
        }
        return Encoding.ASCII.GetString(buffer);
    }

    private static async Task AssertRefusedAsync(int port)
    {
        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(port)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
