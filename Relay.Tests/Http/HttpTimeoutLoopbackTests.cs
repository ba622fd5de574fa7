using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// The L7 path's time limits on real sockets: a slowloris client (headers trickled a line at a
/// time) is answered 408 and closed after <c>limits.http_request_headers_timeout</c> while other
/// connections are served; an idle keep-alive connection is closed after
/// <c>limits.http_keep_alive_timeout</c>; a reload changes both for the next request; an
/// upstream that never answers is a counted 504.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class HttpTimeoutLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Slowloris_Is408AndClosedAfterTheHeaderTimeout_WhileOtherConnectionsAreServed()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http", out var listen, "http_request_headers_timeout: 2s");

        var trickle = TrickleHeadersAsync(listen, TimeSpan.FromSeconds(15));
        var served = await ServeMeanwhileAsync(listen, trickle);
        var (reply, elapsed) = await trickle;

        Assert.StartsWith("HTTP/1.1 408 ", reply);
        // Kestrel checks its timers once a second: 2 s plus at most a tick, plus a loaded machine.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(8));
        Assert.True(served >= 5, $"only {served} legitimate requests were served during the slowloris");
        Assert.Equal(served, upstream.Requests);
        Assert.Contains("reason=request_headers_timeout", await relay.Log.WaitForAccessLineAsync(l => l.Contains("request_headers_timeout", StringComparison.Ordinal), Wait));
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"request_headers_timeout\"} 1", relay.Exporter.Scrape());
    }

    [Fact]
    public async Task KeepAliveIdle_ClosesTheConnectionAfterTheTimeout_AsIdleTimeout()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await L7Relay.StartAsync($"127.0.0.1:{upstream.Port}", "http", out var listen, "http_keep_alive_timeout: 2s");
        using var socket = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
        var started = Stopwatch.StartNew();

        // The response (1 KiB) and then, once the connection idles past 2 s, the end of the stream.
        var all = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));

        Assert.StartsWith("HTTP/1.1 200 ", all);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(8));
        Assert.Contains("reason=idle_timeout", await relay.Log.WaitForAccessLineAsync(_ => true, Wait));
    }

    /// <summary>
    /// Both HTTP timeouts are part of the config snapshot: a reload that shortens them is applied
    /// to the next request (Kestrel reads them when it arms each timer), never reported applied
    /// while the old values go on.
    /// </summary>
    [Fact]
    public async Task Reload_ShortensTheHeaderAndKeepAliveTimeouts_ForTheNextRequest()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        var endpoint = $"127.0.0.1:{upstream.Port}";
        await using var relay = await L7Relay.StartAsync(endpoint, "http", out var listen);
        Assert.Equal(TimeSpan.FromSeconds(30), relay.Runtime.Current.Limits.HttpRequestHeadersTimeout);
        // A keep-alive connection opened before the reload, one request done.
        using var kept = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(kept, Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
        await ReadResponseHeadAsync(kept);

        var errors = await relay.Runtime.ApplyAsync(relay.Reconfigure(L7Relay.Sections(endpoint, "http", listen,
            "http_request_headers_timeout: 1s, http_keep_alive_timeout: 1s")));

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(1), relay.Runtime.Current.Limits.HttpRequestHeadersTimeout);
        // The live connection's next request (sent at once: left idle past the new 1 s first, the
        // connection was sometimes closed before it, failing 2 runs) arms the new keep-alive timer after it.
        await SocketIo.SendAllAsync(kept, Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
        var idle = Stopwatch.StartNew();
        Assert.Contains("HTTP/1.1 200 ", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(kept, Wait)));
        Assert.InRange(idle.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        var (reply, elapsed) = await TrickleHeadersAsync(listen, TimeSpan.FromSeconds(15));
        Assert.StartsWith("HTTP/1.1 408 ", reply);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task UpstreamAcceptingButNeverAnswering_Is504_WithRelayReason_Counted()
    {
        // Accepts and reads, never answers: the service's idle timeout (1 s) is the request's activity timeout.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8);
        var held = new List<Socket>();
        _ = AcceptAndHoldAsync(silent, held);
        var endpoint = $"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}";
        await using var relay = await L7Relay.StartAsync(endpoint, "http", out var listen, service: "timeouts: { idle: 1s }");
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Wait };
        var started = Stopwatch.StartNew();

        using var response = await client.GetAsync($"http://127.0.0.1:{listen}/hello");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", response.Headers.GetValues("x-relay-error").Single());
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Contains("status=504", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
        var scrape = relay.Exporter.Scrape();
        Assert.Contains("relay_request_errors_total{direction=\"outbound\",reason=\"upstream_timeout\",service=\"app\"} 1", scrape);
        Assert.Contains("relay_requests_total{code_class=\"5xx\",direction=\"outbound\",route=\"-\",service=\"app\"} 1", scrape);
        lock (held)
        {
            held.ForEach(s => s.Dispose());
        }
    }

    /// <summary>A request line, then one header line every 300 ms (each well within any idle limit), until the server answers or closes.</summary>
    private static async Task<(string Reply, TimeSpan Elapsed)> TrickleHeadersAsync(int port, TimeSpan bound)
    {
        using var socket = await ConnectAsync(port);
        var started = Stopwatch.StartNew();
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: x\r\n"));
        var reading = SocketIo.ReadToEndAsync(socket, bound);
        for (var i = 0; started.Elapsed < bound && !reading.IsCompleted; i++)
        {
            try
            {
                await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes($"x-slow-{i}: 1\r\n"));
            }
            catch (SocketException)
            {
                break; // closed under us: the reply is what was read
            }
            await Task.WhenAny(reading, Task.Delay(300));
        }
        var reply = Encoding.ASCII.GetString(await reading);
        return (reply, started.Elapsed);
    }

    /// <summary>Legitimate requests on fresh connections, one every 200 ms, while <paramref name="until"/> runs; all must succeed.</summary>
    private static async Task<int> ServeMeanwhileAsync(int port, Task until)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = Wait };
        var served = 0;
        for (var i = 0; i < 100 && !until.IsCompleted; i++)
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{port}/hello");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served++;
            await Task.WhenAny(until, Task.Delay(200));
        }
        return served;
    }

    private static async Task ReadResponseHeadAsync(Socket socket)
    {
        // /hello answers 1,024 bytes with Content-Length: read until the whole body is in.
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Wait);
        while (!(seen.ToString() is var text && text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.Length - text.IndexOf("\r\n\r\n", StringComparison.Ordinal) - 4 >= 1024))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "connection closed before the response");
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    private static async Task AcceptAndHoldAsync(Socket listener, List<Socket> held)
    {
        while (true)
        {
            try
            {
                var accepted = await listener.AcceptAsync();
                lock (held)
                {
                    held.Add(accepted);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }
}
