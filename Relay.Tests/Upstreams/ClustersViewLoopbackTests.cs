using System.Net;
using System.Net.Http;
using System.Text.Json;
using Relay.Core.Runtime;
using Relay.Tests.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Upstreams;

/// <summary>/clusters after real traffic: balancer, zone, in-flight and latency per endpoint, as the admin API serialises them.</summary>
[Trait("Tier", "Loopback")]
public sealed class ClustersViewLoopbackTests
{
    [Fact]
    public async Task ClustersView_ShowsBalancerZoneInFlightAndLatency_AndSerialisesUnderAot()
    {
        await using var a = await StatusApp.StartAsync(200);
        await using var b = await StatusApp.StartAsync(200);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            "services:\n  app:\n    port: 80\n    mesh_tls: false\n    protocol: http\n    endpoints:\n"
            + $"      - {{ address: \"127.0.0.1:{a.Port}\", zone: zone-a }}\n      - \"127.0.0.1:{b.Port}\"\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var view = relay.Runtime.ClustersView().Single();
        Assert.Equal("peak-ewma", view.LoadBalancing);
        Assert.Equal(["zone-a", null], view.Endpoints.Select(e => e.Zone));
        Assert.All(view.Endpoints, e => Assert.Equal(0, e.InFlight));
        // An estimate every endpoint has. Not bounded by 30 ms: the first request to each endpoint
        // also opens its pooled connection (and JIT-compiles the path), a peak sample of its own.
        Assert.All(view.Endpoints, e => Assert.InRange(e.EwmaLatencyMs, 0.000_001, 60_000));

        var json = JsonSerializer.Serialize(relay.Runtime.ClustersView(), AdminViewsJsonContext.Default.ListClusterView);
        using var document = JsonDocument.Parse(json);
        var first = document.RootElement[0].GetProperty("endpoints")[0];
        Assert.Equal("zone-a", first.GetProperty("zone").GetString());
        Assert.True(first.TryGetProperty("ewmaLatencyMs", out _));
        Assert.True(first.TryGetProperty("inFlight", out _));
    }
}
