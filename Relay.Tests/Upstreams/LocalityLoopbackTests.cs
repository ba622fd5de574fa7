using System.Net;
using System.Net.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Xunit.Abstractions;

namespace Relay.Tests.Upstreams;

/// <summary>Locality-aware routing with a real Relay and four real apps, two in this host's zone and two in another.</summary>
[Trait("Tier", "Loopback")]
public sealed class LocalityLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<LoopbackRelay> StartAsync(HealthApp[] local, HealthApp[] remote, int listen, string meshKeys) =>
        await LoopbackRelay.StartAsync(
            "services:\n  app:\n    port: 80\n    mesh_tls: false\n    protocol: http\n    load_balancing: round-robin\n"
            // A generous timeout and two failures to fall: a loaded machine must not flap a healthy local endpoint (that would spill).
            + "    health_check: { path: /healthz, interval: 1s, timeout: 900ms, healthy_threshold: 1, unhealthy_threshold: 2 }\n    endpoints:\n"
            + string.Concat(local.Select(a => $"      - {{ address: \"127.0.0.1:{a.Port}\", zone: zone-a }}\n"))
            + string.Concat(remote.Select(a => $"      - {{ address: \"127.0.0.1:{a.Port}\", zone: zone-b }}\n"))
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null, meshKeys);

    [Fact]
    public async Task LocalZoneHealthy_NoCrossZoneRequest_HalfOfItFailing_SpillsAboutThirtyPercent()
    {
        var apps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HealthApp.StartAsync()));
        try
        {
            var (local, remote) = (apps[..2], apps[2..]);
            var listen = FreePorts.Next();
            await using var relay = await StartAsync(local, remote, listen, ", zone: zone-a");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };
            await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.All(e => e.HealthCheck == "healthy"), Wait);
            Assert.Equal("zone-a", relay.Runtime.ClustersView().Single().LocalZone);

            await SendAsync(client, 100);
            Assert.Equal(0, remote.Sum(a => a.Served));
            Assert.Equal(100, local.Sum(a => a.Served));
            Assert.All(local, a => Assert.InRange(a.Served, 30, 70));

            local[0].HealthStatus = 503;
            await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.Count(e => e.HealthCheck == "healthy") == 3, Wait);
            var before = apps.Select(a => a.Served).ToArray();
            await SendAsync(client, 400);
            var cross = remote.Sum(a => a.Served) - before[2] - before[3];
            // 1 of 2 local healthy: 1.4 × 50% = 70% stay local, 30% (120 of 400) spill; ±40 for the draw.
            output.WriteLine($"cross-zone with one of two local endpoints failing: {cross} of 400");
            Assert.InRange(cross, 80, 160);
            Assert.Equal(before[0], local[0].Served);
            // The bounded locality label says the same: what went cross-zone is what the cloud bills.
            var scrape = relay.Exporter.Scrape();
            Assert.Contains($"relay_requests_total{{code_class=\"2xx\",direction=\"outbound\",locality=\"cross\",route=\"-\",service=\"app\"}} {cross}\n", scrape);
            Assert.Contains($"relay_requests_total{{code_class=\"2xx\",direction=\"outbound\",locality=\"same\",route=\"-\",service=\"app\"}} {500 - cross}\n", scrape);
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task WithoutAHostZone_HalfTheRequestsCrossZones()
    {
        var apps = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HealthApp.StartAsync()));
        try
        {
            var listen = FreePorts.Next();
            await using var relay = await StartAsync(apps[..2], apps[2..], listen, "");
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };
            await Eventually.TrueAsync(() => relay.Runtime.ClustersView().Single().Endpoints.All(e => e.HealthCheck == "healthy"), Wait);

            await SendAsync(client, 100);
            // Round robin over four endpoints, two of them in the other zone: the baseline locality saves.
            Assert.Equal(50, apps[2..].Sum(a => a.Served));
            // No zone of its own: no locality label (existing series keep their label set).
            Assert.DoesNotContain("locality=", relay.Exporter.Scrape());
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task SendAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
