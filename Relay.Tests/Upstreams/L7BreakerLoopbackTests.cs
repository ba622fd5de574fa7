using System.Net;
using System.Net.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>The breakers the L7 path lacked: max_connections on upstream connections, and max_retries for retries of a response.</summary>
[Trait("Tier", "Loopback")]
public sealed class L7BreakerLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HttpPastMaxConnections_FailsFastWith503_AndTheSlotsFreeWhenConnectionsClose()
    {
        await using var app = await StatusApp.StartAsync(200);
        app.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{app.Port}\"], mesh_tls: false, protocol: http, circuit_breakers: {{ max_connections: 2 }} }}\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

        // HTTP/1.1 to the app: each request in flight holds one upstream connection.
        var burst = Enumerable.Range(0, 6).Select(_ => client.GetAsync("/")).ToList();
        await Eventually.TrueAsync(() => burst.Count(t => t.IsCompleted) == 4 && app.Waiting == 2, Wait);
        var refused = burst.Where(t => t.IsCompleted).Select(t => t.Result).ToList();
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        Assert.All(refused, r => Assert.Equal("upstream_overflow_connections", r.Headers.GetValues("x-relay-error").Single()));
        Assert.Equal(2, relay.Runtime.ActiveConfig.Clusters.Find("app")!.Breakers.Connections);
        // Relay's refusal says nothing about the endpoint: no ejection.
        Assert.False(relay.Runtime.ClustersView().Single().Endpoints.Single().Ejected);

        app.Hold.SetResult();
        Assert.Equal(2, (await Task.WhenAll(burst)).Count(r => r.StatusCode == HttpStatusCode.OK));
        // The two pooled connections stay open (and keep their slots) and serve what follows.
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.InRange(relay.Runtime.ActiveConfig.Clusters.Find("app")!.Breakers.Connections, 1, 2);
        burst.ForEach(t => t.Result.Dispose());
    }

    [Theory]
    [InlineData(3, 3)]  // the default: a 503 is retried up to the route's attempts
    [InlineData(0, 1)]  // max_retries 0: no retry of the response, the client gets the first 503
    public async Task RetryOfAResponse_TakesAMaxRetriesSlot(int maxRetries, int attemptsSeen)
    {
        await using var app = await StatusApp.StartAsync(503);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app:\n    port: 80\n    endpoints: [\"127.0.0.1:{app.Port}\"]\n    mesh_tls: false\n    protocol: http\n"
            + $"    circuit_breakers: {{ max_retries: {maxRetries} }}\n"
            + "    outlier_detection: { consecutive_5xx: 1000, consecutive_gateway_errors: 1000 }\n"
            + "    routes:\n      - { name: all, backends: [{}], retries: { attempts: 3, on: [5xx], backoff: { base: 1ms } } }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(attemptsSeen, app.Served);
        Assert.Equal(0, relay.Runtime.ActiveConfig.Clusters.Find("app")!.Breakers.ActiveRetries);
    }
}
