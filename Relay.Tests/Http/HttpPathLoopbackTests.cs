using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// The L7 path end to end on loopback: a client → Relay's explicit outbound listener → Kestrel
/// (fed by Relay) → YARP → a real ASP.NET Core upstream, for a <c>mesh_tls: false</c> service.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class HttpPathLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Http11_KeepAliveAndChunked_StreamThroughOneClientConnection()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var client = Client(listen, HttpVersion.Version11);

        for (var i = 0; i < 3; i++)
        {
            // No Content-Length: the request goes chunked, and the echo's response is chunked too.
            var body = Encoding.ASCII.GetBytes($"chunk-{i}-" + new string('a', 10_000 * (i + 1)));
            using var content = new StreamContent(new MemoryStream(body));
            using var response = await client.PostAsync("/echo", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpVersion.Version11, response.Version);
            Assert.True(response.Headers.TransferEncodingChunked);
            Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(3, upstream.Requests);
        var request = await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait);
        Assert.Contains("direction=outbound service=app method=POST", request);
        Assert.Contains("path=/echo protocol=HTTP/1.1 status=200", request);
        Assert.Matches(@"request_id=[0-9a-f-]{36}", request);
        client.Dispose();
        // Three requests, one client connection: one connection access line, on the L7 path.
        var connection = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.Contains("protocol=http1 detect=http1", connection);
        Assert.Single(relay.Log.AccessLines);
        Assert.Equal(3, relay.Log.Messages.Count(m => m.StartsWith("request ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Percent-encoded targets reach the app byte for byte (YARP alone would send <c>/a%2Fb</c>
    /// as <c>/a%252Fb</c>, dotnet/yarp#1419); a dot segment is still removed.
    /// </summary>
    [Fact]
    public async Task EncodedTargets_ReachTheAppAsSent_DotSegmentsRemoved()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        string[] verbatim = ["/a%2Fb", "/repos/group%2Fproject/files?ref=%2Fmain&x=%20y", "/x%2fy%25z"];

        foreach (var target in verbatim.Append("/a/../b"))
        {
            Assert.StartsWith("HTTP/1.1 ", await RawGetAsync(listen, target));
        }

        Assert.Equal([.. verbatim, "/b"], upstream.RawTargets);
    }

    /// <summary>One request on its own connection, the target exactly as given; the response's text.</summary>
    internal static async Task<string> RawGetAsync(int port, string target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"));
        return Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));
    }

    [Fact]
    public async Task H2cPriorKnowledge_StaysHttp2ToTheUpstream()
    {
        await using var upstream = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "auto", out var listen);
        using var client = Client(listen, HttpVersion.Version20);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/proto")));
        foreach (var response in responses)
        {
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.StartsWith("HTTP/2 id=", await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("protocol=HTTP/2 status=200", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task RequestId_KeptWhenGiven_AndHostPassesUnchanged()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var client = Client(listen, HttpVersion.Version11);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/proto");
        request.Headers.Add("x-request-id", "abc-123");
        request.Headers.Host = "orders.internal";

        using var response = await client.SendAsync(request);

        Assert.Equal("HTTP/1.1 id=abc-123 host=orders.internal", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoEndpointAccepting_Is503_WithRelayReason()
    {
        var closed = FreePorts.Next();
        await using var relay = await StartRelayAsync($"127.0.0.1:{closed}", "http", out var listen);
        using var client = Client(listen, HttpVersion.Version11);

        using var response = await client.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream_connect_failed", response.Headers.GetValues("x-relay-error").Single());
        Assert.Contains("status=503", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
        Assert.Contains("error=upstream_connect_failed", relay.Log.Messages.First(m => m.StartsWith("request ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UpstreamResettingBeforeHeaders_Is502_WithRelayReason()
    {
        // Accepts, reads the request's headers, then resets: a crash between request and response.
        using var resetting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        resetting.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        resetting.Listen(8);
        _ = ResetAfterHeadersAsync(resetting);
        await using var relay = await StartRelayAsync($"127.0.0.1:{((IPEndPoint)resetting.LocalEndPoint!).Port}", "http", out var listen);
        using var client = Client(listen, HttpVersion.Version11);

        using var response = await client.GetAsync("/hello");

        Assert.Equal((HttpStatusCode.BadGateway, "upstream_reset"), (response.StatusCode, response.Headers.GetValues("x-relay-error").Single()));
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task UpstreamDyingAfterHeaders_IsAnErrorAtTheClient_NeverACleanShortBody(string version)
    {
        var http2 = version == "2.0";
        await using var upstream = await UpstreamApp.StartAsync(http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var client = Client(listen, Version.Parse(version));

        using var response = await client.GetAsync("/abort", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync();

        // HTTP/2: RST_STREAM; HTTP/1.1: the connection is reset. Either way reading fails.
        await Assert.ThrowsAnyAsync<IOException>(async () => await body.CopyToAsync(Stream.Null));
        Assert.Contains("error=upstream_reset", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task ExpectContinue_BodyFollowsTheInterimResponse()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var client = Client(listen, HttpVersion.Version11);
        client.DefaultRequestHeaders.ExpectContinue = true;
        var body = new byte[100_000];
        new Random(7).NextBytes(body);

        using var response = await client.PostAsync("/echo", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task WebSocket_EchoesThroughTheUpgrade()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Wait);

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{listen}/ws"), timeout.Token);
        var buffer = new byte[64];
        foreach (var text in new[] { "one", "two", "three" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Contains("status=101", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
    }

    /// <summary>
    /// The CL.TE smuggling shape: Kestrel alone would let Transfer-Encoding win and close after the
    /// response (RFC 9112 allows it); Relay answers 400 with Connection: close (RequestFraming), the
    /// upstream never sees the request (nor the smuggled one), and the refusal is counted.
    /// </summary>
    [Fact]
    public async Task ContentLengthWithTransferEncoding_Is400AndClose_AndNothingReachesTheUpstream()
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var socket = await ConnectAsync(listen);
        // A parser trusting Content-Length would see a second request, GET /smuggled.
        var attack = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes(attack));

        // ReadToEnd: the connection must close after the one response.
        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));

        Assert.StartsWith("HTTP/1.1 400 ", reply);
        Assert.Contains("Connection: close", reply);
        Assert.Contains("x-relay-error: ambiguous_request_framing", reply);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(reply, "HTTP/1.1 "));
        Assert.Equal(0, upstream.Requests);
        Assert.Contains("error=ambiguous_request_framing", await relay.Log.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait));
        Assert.Contains("relay_request_errors_total{direction=\"outbound\",reason=\"ambiguous_request_framing\",service=\"app\"} 1", relay.Exporter.Scrape());

        // The smuggling canary: the same connection shape without Content-Length is served, and
        // the upstream counted exactly the one request the client was answered.
        using var honest = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(honest, Encoding.ASCII.GetBytes(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
        Assert.StartsWith("HTTP/1.1 200 ", Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(honest, Wait)));
        Assert.Equal(["/echo"], upstream.Paths);
    }

    [Theory]
    [InlineData(9 * 1024, 0, 414, "client_protocol_error")]
    [InlineData(0, 101, 431, "request_headers_too_large")]
    public async Task KestrelLimits_RequestLineAndHeaders(int pathLength, int headerCount, int expected, string reason)
    {
        await using var upstream = await UpstreamApp.StartAsync();
        await using var relay = await StartRelayAsync($"127.0.0.1:{upstream.Port}", "http", out var listen);
        using var socket = await ConnectAsync(listen);
        var request = new StringBuilder($"GET /{new string('p', pathLength)} HTTP/1.1\r\nHost: x\r\n");
        for (var i = 0; i < headerCount; i++)
        {
            request.Append(System.Globalization.CultureInfo.InvariantCulture, $"x-h{i}: v\r\n");
        }
        request.Append("\r\n");
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes(request.ToString()));

        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));

        Assert.StartsWith($"HTTP/1.1 {expected} ", reply);
        Assert.Equal(0, upstream.Requests);
        // Relay's lingering close waits for the client's FIN (LingeringClose) before it records the connection.
        socket.Shutdown(SocketShutdown.Both);
        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.True(line.Contains($"reason={reason}", StringComparison.Ordinal), line);
        // Answered by Relay's Kestrel, not tunnelled: a 9 KiB request line is past detection's
        // bound, and a declared http port still never hands raw bytes to the app.
        Assert.True(line.Contains("protocol=http1", StringComparison.Ordinal) && line.Contains("endpoint=-", StringComparison.Ordinal), line);
        Assert.Contains($"relay_connections_closed_total{{direction=\"outbound\",reason=\"{reason}\"}} 1", relay.Exporter.Scrape());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("grpc")]
    public async Task DeclaredHttpPort_AnswersBytesThatAreNotHttp_400_AndNeverTunnelsThemToTheApp(string protocol)
    {
        // An echo server as the "app": had the bytes been tunnelled, they would come straight back.
        using var echo = new Relay.Tests.Runtime.LoopbackEchoServer();
        await using var relay = await StartRelayAsync($"127.0.0.1:{echo.EndPoint.Port}", protocol, out var listen);
        using var socket = await ConnectAsync(listen);
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("\u0001\u0002 not http at all\r\n\r\n"));

        var reply = Encoding.ASCII.GetString(await SocketIo.ReadToEndAsync(socket, Wait));

        Assert.StartsWith("HTTP/1.1 400 ", reply);
        Assert.DoesNotContain("not http", reply);
        socket.Shutdown(SocketShutdown.Both);
        var line = await relay.Log.WaitForAccessLineAsync(_ => true, Wait);
        Assert.True(line.Contains("detect=unknown", StringComparison.Ordinal) && line.Contains("protocol=http1", StringComparison.Ordinal)
            && line.Contains("reason=client_protocol_error", StringComparison.Ordinal) && line.Contains("endpoint=-", StringComparison.Ordinal), line);
    }

    private static async Task ResetAfterHeadersAsync(Socket listener)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            var seen = new List<byte>();
            var buffer = new byte[4096];
            int n;
            while (!Encoding.ASCII.GetString(seen.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal)
                && (n = await accepted.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                seen.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            accepted.LingerState = new LingerOption(true, 0);
            accepted.Dispose();
        }
    }

    private static HttpClient Client(int port, Version version) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Wait,
    };

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private static Task<LoopbackRelay> StartRelayAsync(string endpoint, string protocol, out int listen)
    {
        listen = FreePorts.Next();
        var yaml = $"services:\n  app: {{ port: 80, endpoints: [\"{endpoint}\"], mesh_tls: false, protocol: {protocol} }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";
        return LoopbackRelay.StartAsync(yaml, destination: null);
    }
}
