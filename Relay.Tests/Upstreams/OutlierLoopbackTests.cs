using System.Net;
using System.Net.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>Outlier detection end to end on the L7 path: a real Relay, three real apps, one of them answering 500.</summary>
[Trait("Tier", "Loopback")]
public sealed class OutlierLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EndpointAnswering500s_IsEjectedAfterFive_AndClientSuccessRecovers()
    {
        await using var good1 = await StatusApp.StartAsync(200);
        await using var good2 = await StatusApp.StartAsync(200);
        await using var bad = await StatusApp.StartAsync(500);
        var listen = FreePorts.Next();
        // Round-robin so the bad endpoint's share is known (every third request) until it is ejected;
        // a 30 s ejection outlasts the test on any machine.
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{good1.Port}\", \"127.0.0.1:{good2.Port}\", \"127.0.0.1:{bad.Port}\"], "
            + "mesh_tls: false, protocol: http, load_balancing: round-robin, outlier_detection: { base_ejection_time: 30s, max_ejection_time: 60s } }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

        var first = await StatusesAsync(client, 30);
        var second = await StatusesAsync(client, 60);

        // Consecutive_5xx 5 (Envoy's default): exactly five 500s reach the client, then none.
        Assert.Equal(5, first.Count(s => s == HttpStatusCode.InternalServerError));
        Assert.Equal(5, bad.Served);
        Assert.All(second, s => Assert.Equal(HttpStatusCode.OK, s));
        var view = relay.Runtime.ClustersView().Single().Endpoints;
        Assert.Equal([false, false, true], view.Select(e => e.Ejected));
        var scrape = relay.Exporter.Scrape();
        Assert.Contains("relay_outlier_ejections_total{reason=\"consecutive_5xx\",service=\"app\"} 1", scrape);
        Assert.Contains($"relay_endpoint_ejected{{endpoint=\"127.0.0.1:{bad.Port}\",service=\"app\"}} 1", scrape);
    }

    [Fact]
    public async Task EjectedEndpointThatRecovered_TakesTrafficAgainAfterItsEjection()
    {
        await using var good = await StatusApp.StartAsync(200);
        await using var flaky = await StatusApp.StartAsync(503);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app: {{ port: 80, endpoints: [\"127.0.0.1:{good.Port}\", \"127.0.0.1:{flaky.Port}\"], "
            + "mesh_tls: false, protocol: http, load_balancing: round-robin, outlier_detection: { consecutive_gateway_errors: 2, base_ejection_time: 1s } }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };

        var failing = await StatusesAsync(client, 10);
        Assert.Equal(2, failing.Count(s => s == HttpStatusCode.ServiceUnavailable));
        flaky.Status = 200;
        var before = flaky.Served;

        // After the 1 s ejection, round-robin hands it its share again.
        var deadline = DateTime.UtcNow + Wait;
        while (flaky.Served == before && DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(50);
        }
        Assert.True(flaky.Served > before, "the recovered endpoint took no traffic after its ejection");
        Assert.Contains("relay_outlier_ejections_total{reason=\"consecutive_gateway_errors\",service=\"app\"} 1", relay.Exporter.Scrape());
    }

    private static async Task<List<HttpStatusCode>> StatusesAsync(HttpClient client, int count)
    {
        var statuses = new List<HttpStatusCode>(count);
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync("/");
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }
}
