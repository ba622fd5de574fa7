using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Relay.Tests.Http;
using Relay.Tests.Http.Grpc;
using Relay.Tests.Root.Infrastructure;

namespace Relay.Tests.Root;

/// <summary>
/// The L7 path between two hosts with real capture: apps on A call apps on B by their own
/// addresses, iptables sends both ends through Relay, HTTP crosses as relay/h2 over mesh mTLS.
/// Clients are curl and Grpc.Net.Client inside A's namespace; callers without a Relay sit on C.
/// </summary>
[Trait("Tier", "Root")]
[Collection(RootCollection.Name)]
public sealed class L7MeshTests(L7MeshFixture fixture) : IClassFixture<L7MeshFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Curl_Http11AndH2c_FromAToB_EachAppSeesItsOwnProtocol()
    {
        RootRequirement.Assert();
        var h1 = await CurlAsync(fixture.Mesh.A, "--http1.1", Url(L7MeshFixture.WebPort, "/proto"));
        var h2 = await CurlAsync(fixture.Mesh.A, "--http2-prior-knowledge", Url(L7MeshFixture.GrpcPort, "/proto"));

        Assert.Contains("HTTP/1.1 200", h1.Stdout);
        Assert.Contains("\r\n\r\nHTTP/1.1 id=", h1.Stdout);
        Assert.Contains("HTTP/2 200", h2.Stdout);
        Assert.Contains("\r\n\r\nHTTP/2 id=", h2.Stdout);
        var idA = MeshIdentities.Host(fixture.Mesh.A);
        await fixture.RelayB.WaitForLineAsync(l => l.Contains("request direction=inbound", StringComparison.Ordinal)
            && l.Contains($"path=/proto protocol=HTTP/2 status=200", StringComparison.Ordinal) && l.Contains($"peer={idA}", StringComparison.Ordinal), Wait);
        Assert.NotNull(await fixture.RelayA.WaitForLineAsync(l => l.Contains("request direction=outbound service=web", StringComparison.Ordinal)
            && l.Contains("protocol=HTTP/1.1 status=200", StringComparison.Ordinal), Wait));
        Assert.NotNull(await fixture.RelayA.WaitForLineAsync(l => l.Contains("request direction=outbound service=grpc", StringComparison.Ordinal)
            && l.Contains("protocol=HTTP/2 status=200", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task Grpc_ClientOnA_CallsServerOnB_WithStatusAndTrailers()
    {
        RootRequirement.Assert();
        using var channel = GrpcChannel.ForAddress(Url(L7MeshFixture.GrpcPort, ""), new GrpcChannelOptions { HttpHandler = HandlerOnA() });
        var client = new Echo.EchoClient(channel);

        await GrpcEchoChecks.UnaryAsync(client, Wait);
        await GrpcEchoChecks.ServerStreamingAsync(client, 10, Wait);
        await GrpcEchoChecks.ErrorStatusAsync(client, Wait);
    }

    [Fact]
    public async Task FiftyConcurrentRequests_ShareAtMostOneNewMeshConnection()
    {
        RootRequirement.Assert();
        var before = await InboundHandshakesAsync();
        using var client = new HttpClient(HandlerOnA()) { Timeout = Wait };

        // Fifty app connections on A (HTTP/1.1, one request each), all in flight at once at B's app.
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync(Url(L7MeshFixture.WebPort, "/delay"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(fixture.Web.MaxConcurrent >= 25, $"only {fixture.Web.MaxConcurrent} requests overlapped at the app");
        // The pool allows one relay/h2 connection per endpoint until 100 streams are in flight:
        // at most one new handshake (none if an earlier test left the connection pooled).
        var added = await InboundHandshakesAsync() - before;
        Assert.InRange(added, 0, 1);
    }

    [Fact]
    public async Task Policy_AllowStrictAndPermissive_HoldForHttp()
    {
        RootRequirement.Assert();
        // A is not in 8081's allow list: B refuses the handshake, no request reaches the app.
        var denied = await CurlAsync(fixture.Mesh.A, "--http1.1", Url(L7MeshFixture.DeniedPort, "/proto"));
        Assert.Contains("HTTP/1.1 502", denied.Stdout);
        Assert.Contains("x-relay-error: upstream_reset", denied.Stdout);
        var refusal = await fixture.RelayB.WaitForLineAsync(l => l.Contains("reason=policy_denied", StringComparison.Ordinal), Wait);
        Assert.True(refusal is not null, fixture.RelayB.ToString());
        Assert.Contains($"dst={fixture.Mesh.B.IPv4}:{L7MeshFixture.DeniedPort}", refusal);
        Assert.Equal(0, fixture.Denied.Requests);

        // Plaintext HTTP from C (no Relay): refused on the strict port, served on the permissive one.
        var webBefore = fixture.Web.Requests;
        var strict = await fixture.Mesh.C.ExecAsync(["curl", "-sS", "-i", "--max-time", "10", Url(L7MeshFixture.WebPort, "/proto")], Wait);
        Assert.False(strict.Succeeded, strict.ToString());
        Assert.Equal(webBefore, fixture.Web.Requests);
        var permissive = await CurlAsync(fixture.Mesh.C, "--http1.1", Url(L7MeshFixture.PermissivePort, "/proto"));
        Assert.Contains("HTTP/1.1 200", permissive.Stdout);
        Assert.NotNull(await fixture.RelayB.WaitForLineAsync(l => l.Contains("request direction=inbound", StringComparison.Ordinal)
            && l.Contains($"service=inbound:{L7MeshFixture.PermissivePort}", StringComparison.Ordinal) && l.Contains("peer=-", StringComparison.Ordinal), Wait));
    }

    [Fact]
    public async Task ServerFirstProtocol_OnAutoPorts_StillWorks()
    {
        RootRequirement.Assert();
        using var socket = await fixture.Mesh.A.ConnectAsync(fixture.B(L7MeshFixture.GreetingPort), Wait);
        using var deadline = new CancellationTokenSource(Wait);

        // The client sends nothing: A's detect stage waits its timeout, then carries the connection as TCP.
        var greeting = await ReadLineAsync(socket, deadline.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("QUIT\r\n"), SocketFlags.None, deadline.Token);
        var farewell = await ReadLineAsync(socket, deadline.Token);

        Assert.Equal(GreetingServer.Greeting, greeting);
        Assert.Equal(GreetingServer.Farewell, farewell);
    }

    private string Url(int port, string path) => $"http://{fixture.Mesh.B.IPv4}:{port}{path}";

    private static async Task<ProcessResult> CurlAsync(NetnsHost host, string version, string url) =>
        (await host.ExecAsync(["curl", "-sS", "-i", "--max-time", "20", version, url], Wait)).EnsureSuccess();

    /// <summary>An HTTP client whose sockets are made in A's namespace, as an app on A would make them.</summary>
    private SocketsHttpHandler HandlerOnA() => new()
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var remote = new IPEndPoint(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port);
            return new NetworkStream(await fixture.Mesh.A.ConnectAsync(remote, Wait), ownsSocket: true);
        },
    };

    private async Task<double> InboundHandshakesAsync() =>
        (await MetricsScrape.GetAsync(fixture.Mesh.B)).Sum("relay_tls_handshakes_total", ("direction", "inbound"), ("result", "success"));

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith('\n'))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0)
            {
                break;
            }
            line.Append((char)one[0]);
        }
        return line.ToString();
    }
}
