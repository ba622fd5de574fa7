using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Relay.Core.Net;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>Circuit breakers with a real Relay: overflow fails fast, and only the service whose breaker is full.</summary>
[Trait("Tier", "Loopback")]
public sealed class CircuitBreakerLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestBurstPastMaxRequests_FailsFastWith503_WhileAnotherServiceKeepsAnswering()
    {
        await using var stuck = await StatusApp.StartAsync(200);
        await using var other = await StatusApp.StartAsync(200);
        stuck.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int stuckListen = FreePorts.Next(), otherListen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            "services:\n"
            + $"  stuck: {{ port: 80, endpoints: [\"127.0.0.1:{stuck.Port}\"], mesh_tls: false, protocol: http, circuit_breakers: {{ max_requests: 2, max_pending_requests: 0 }} }}\n"
            + $"  other: {{ port: 81, endpoints: [\"127.0.0.1:{other.Port}\"], mesh_tls: false, protocol: http, circuit_breakers: {{ max_requests: 2, max_pending_requests: 0 }} }}\n"
            + "listeners:\n"
            + $"  - {{ address: \"127.0.0.1:{stuckListen}\", direction: outbound, service: stuck }}\n"
            + $"  - {{ address: \"127.0.0.1:{otherListen}\", direction: outbound, service: other }}\n", destination: null);
        using var stuckClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stuckListen}"), Timeout = Wait };
        using var otherClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{otherListen}"), Timeout = Wait };

        var burst = Enumerable.Range(0, 20).Select(_ => stuckClient.GetAsync("/")).ToList();
        // Two are admitted and held by the app; the other 18 are answered while those two still wait.
        await Eventually.TrueAsync(() => burst.Count(t => t.IsCompleted) == 18 && stuck.Waiting == 2, Wait);
        var refused = burst.Where(t => t.IsCompleted).Select(t => t.Result).ToList();
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("upstream_overflow_requests", r.Headers.GetValues("x-relay-error").Single()));
        // The other service, its own breaker untouched, serves all of ten requests meanwhile.
        for (var i = 0; i < 10; i++)
        {
            using var response = await otherClient.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(2, stuck.Waiting);

        stuck.Hold.SetResult();
        var admitted = await Task.WhenAll(burst.Where(t => !t.IsCompleted || t.Result.StatusCode == HttpStatusCode.OK));
        Assert.Equal(2, admitted.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(2, stuck.Served);
        Assert.Contains("relay_request_errors_total{direction=\"outbound\",reason=\"upstream_overflow_requests\",service=\"stuck\"} 18", relay.Exporter.Scrape());
        burst.ForEach(t => t.Result.Dispose());
    }

    [Fact]
    public async Task PendingRequests_WaitForASlot_AndAreServedWhenOneFrees()
    {
        await using var app = await StatusApp.StartAsync(200);
        app.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{app.Port}\"], mesh_tls: false, protocol: http, timeouts: {{ connect: 20s }}, "
            + "circuit_breakers: { max_requests: 1, max_pending_requests: 2 } }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

        var burst = Enumerable.Range(0, 5).Select(_ => client.GetAsync("/")).ToList();
        // One in flight, two pending, two refused at once.
        await Eventually.TrueAsync(() => burst.Count(t => t.IsCompleted) == 2 && app.Waiting == 1, Wait);
        Assert.All(burst.Where(t => t.IsCompleted), t => Assert.Equal(HttpStatusCode.ServiceUnavailable, t.Result.StatusCode));

        app.Hold.SetResult();
        var all = await Task.WhenAll(burst);
        Assert.Equal(3, all.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, app.Served);
    }

    [Fact]
    public async Task TcpConnectionPastMaxConnections_IsRefused_AndCounted()
    {
        using var echo = new LoopbackEchoServer();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  echo: {{ port: {echo.EndPoint.Port}, endpoints: [\"127.0.0.1:{echo.EndPoint.Port}\"], mesh_tls: false, circuit_breakers: {{ max_connections: 2 }} }}\n",
            new OriginalDestination(NetEndpoint.From(echo.EndPoint)));

        using var first = await relay.ConnectAsync();
        using var second = await relay.ConnectAsync();
        await EchoAsync(first);
        await EchoAsync(second);

        // Refused: reset without a byte (on loopback the reset can even beat the connect's own
        // completion), while the first two still echo.
        await Assert.ThrowsAnyAsync<SocketException>(async () =>
        {
            using var third = await relay.ConnectAsync();
            await SocketIo.SendAllAsync(third, Encoding.ASCII.GetBytes("x"));
            var read = await SocketIo.ReadToEndAsync(third, Wait);
            if (read.Length == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
        });
        await EchoAsync(first);
        await relay.Log.WaitForAccessLineAsync(l => l.Contains("reason=upstream_overflow_connections"), Wait);
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"upstream_overflow_connections\"} 1", relay.Exporter.Scrape());
    }

    private static async Task EchoAsync(Socket socket)
    {
        await SocketIo.SendAllAsync(socket, Encoding.ASCII.GetBytes("ping"));
        var buffer = new byte[4];
        var read = 0;
        while (read < 4)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            Assert.NotEqual(0, n);
            read += n;
        }
        Assert.Equal("ping", Encoding.ASCII.GetString(buffer));
    }
}
