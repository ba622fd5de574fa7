using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Tests.Http.Grpc;
using Relay.Tests.Mtls;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Http;

/// <summary>
/// HTTP between Relays on loopback: a client → Relay A (an HTTP mesh service) → relay/h2 over
/// mesh mTLS → Relay B (inbound) → a real ASP.NET Core app. Certificates, TLS, Kestrel and YARP
/// on both sides are real; only the original destinations are injected (no NAT on loopback).
/// </summary>
[Trait("Tier", "Loopback")]
public sealed partial class MeshHttpLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Http11Client_ToAnHttp11App_SeesHttp11AtBothEnds_AndHttp2BetweenRelays()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, app.Port), protocolOnA: "http");
        using var client = Client(pair.OutboundPortA, HttpVersion.Version11);

        using var response = await client.GetAsync("/proto");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.StartsWith("HTTP/1.1 ", body);
        Assert.Contains($"host=127.0.0.1:{pair.OutboundPortA}", body);
        var requestId = Regex.Match(body, "id=([0-9a-f-]{36})").Groups[1].Value;
        Assert.NotEmpty(requestId);
        var onA = await pair.LogA.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait);
        Assert.Contains("direction=outbound service=app method=GET", onA);
        Assert.Contains("protocol=HTTP/1.1 status=200", onA);
        Assert.Contains($"request_id={requestId}", onA);
        var onB = await pair.LogB.WaitForLineAsync(l => l.StartsWith("request ", StringComparison.Ordinal), Wait);
        Assert.Contains("direction=inbound", onB);
        Assert.Contains("protocol=HTTP/2 status=200", onB);
        Assert.Contains("peer=spiffe://mesh.test/a", onB);
        Assert.Contains($"endpoint=127.0.0.1:{app.Port}", onB);
        Assert.Contains($"request_id={requestId}", onB);
        // Counted too, with bounded labels: direction, service, code class.
        var scrape = pair.MetricsB.Scrape();
        Assert.Contains($"relay_requests_total{{code_class=\"2xx\",direction=\"inbound\",route=\"-\",service=\"inbound:{app.Port}\"}} 1", scrape);
        Assert.Contains("relay_request_duration_seconds_count{direction=\"inbound\"", scrape);
    }

    [Fact]
    public async Task H2cClient_ToAnH2cApp_StaysHttp2_AndAnAppCannotForgeTheOriginalProtocol()
    {
        await using var app = await UpstreamApp.StartAsync(HttpProtocols.Http2);
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, app.Port), protocolOnA: "auto", protocolOnB: "auto");
        using var client = Client(pair.OutboundPortA, HttpVersion.Version20);
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/proto") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        // Were A to pass this on, B would speak HTTP/1.1 to an app that only speaks h2c: a 502.
        forged.Headers.Add("x-relay-orig-proto", "HTTP/1.1");

        using var response = await client.SendAsync(forged);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("HTTP/2 ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FiftyConcurrentRequests_ShareOneMeshConnection()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, app.Port), protocolOnA: "http");
        // Fifty app connections to A, one request each, all in flight at once (/delay holds each 300 ms).
        var clients = Enumerable.Range(0, 50).Select(_ => Client(pair.OutboundPortA, HttpVersion.Version11)).ToList();
        try
        {
            var responses = await Task.WhenAll(clients.Select(c => c.GetAsync("/delay")));
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            Assert.Equal(50, app.Requests);
            Assert.True(app.MaxConcurrent >= 25, $"only {app.MaxConcurrent} requests were in flight at once at the app");
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
        // One mesh TLS handshake on B for all fifty: one relay/h2 connection carried them.
        Assert.Equal(1, Handshakes(pair.MetricsB.Scrape()));
        // Waited for: B writes a request's access line after its response is sent, so the last
        // one can come after the client has all fifty (49 of 50 once in a full-suite run).
        await Eventually.TrueAsync(() => pair.LogB.Messages.Count(m => m.StartsWith("request direction=inbound", StringComparison.Ordinal)) == 50, Wait);
    }

    [Fact]
    public async Task Grpc_UnaryAndStreaming_AcrossTheMesh_KeepStatusTrailers()
    {
        var (app, port) = await GrpcUpstream.StartAsync();
        await using var upstream = app;
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, port), protocolOnA: "grpc", protocolOnB: "grpc");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{pair.OutboundPortA}");
        var client = new Echo.EchoClient(channel);

        await GrpcEchoChecks.UnaryAsync(client, Wait);
        await GrpcEchoChecks.ServerStreamingAsync(client, 20, Wait);
        await GrpcEchoChecks.BidirectionalAsync(client, 5, Wait);
        await GrpcEchoChecks.ErrorStatusAsync(client, Wait);
    }

    [Fact]
    public async Task WebSocket_EchoesAcrossTheMesh()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(new IPEndPoint(IPAddress.Loopback, app.Port), protocolOnA: "http");
        using var socket = new ClientWebSocket();
        using var deadline = new CancellationTokenSource(Wait);

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{pair.OutboundPortA}/ws"), deadline.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping across"), WebSocketMessageType.Text, true, deadline.Token);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, deadline.Token);

        Assert.Equal("ping across", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", deadline.Token);
    }

    [Fact]
    public async Task CallerOutsideTheAllowList_IsRefused_AndTheAppSeesNothing()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(
            new IPEndPoint(IPAddress.Loopback, app.Port), allowOnB: "[spiffe://mesh.test/someone-else]", protocolOnA: "http");
        using var client = Client(pair.OutboundPortA, HttpVersion.Version11);

        using var response = await client.GetAsync("/proto");

        // TLS 1.3: B judges A's certificate after A's side of the handshake has completed, so A
        // learns of the refusal as a reset of the new connection, before any request was sent.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_reset", string.Join(",", response.Headers.GetValues("x-relay-error")));
        Assert.Equal(0, app.Requests);
        await pair.LogB.WaitForAccessLineAsync(l => l.Contains("reason=policy_denied"), Wait);
    }

    [Fact]
    public async Task ReloadThatDeniesTheCaller_RefusesItsNextRequestOnThePooledConnection()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var pair = await MeshPairLoopback.StartAsync(
            new IPEndPoint(IPAddress.Loopback, app.Port), allowOnB: "[spiffe://mesh.test/a]", protocolOnA: "http");
        using var client = Client(pair.OutboundPortA, HttpVersion.Version11);
        using (var first = await client.GetAsync("/proto"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var denying = pair.YamlB.Replace("allow: [spiffe://mesh.test/a]", "allow: [spiffe://mesh.test/c]", StringComparison.Ordinal);
        Assert.NotEqual(pair.YamlB, denying);
        Assert.Empty(await pair.B.ApplyAsync(TestConfigs.Load(denying)));
        using var second = await client.GetAsync("/proto");

        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal("policy_denied", string.Join(",", second.Headers.GetValues("x-relay-error")));
        Assert.Equal(1, app.Requests);
        // Still the one relay/h2 connection: the refusal was per request, not a new handshake.
        Assert.Equal(1, Handshakes(pair.MetricsB.Scrape()));
    }

    private static long Handshakes(string scrape) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith("relay_tls_handshakes_total{", StringComparison.Ordinal) && l.Contains("result=\"success\"", StringComparison.Ordinal))
            .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static HttpClient Client(int port, Version version) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        DefaultRequestVersion = version,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Wait,
    };
}
