using System.Net;
using System.Net.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Relay.Tests.Upstreams;

namespace Relay.Tests.Routing;

/// <summary>A route's rate_limit with a real Relay: the limited route admits its rate (±10%) and answers 429 with Retry-After; another route of the same service is untouched.</summary>
[Trait("Tier", "Loopback")]
public sealed class RouteRateLimitLoopbackTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task LimitedRoute_AdmitsItsRateWithinTenPercent_Answers429WithRetryAfter_AndOtherRoutesPass()
    {
        const int Rate = 40, Burst = 5, Workers = 4, MaxRequests = 20_000;
        var run = TimeSpan.FromSeconds(3);
        await using var app = await StatusApp.StartAsync(200);
        var listen = FreePorts.Next();
        await using var relay = await LoopbackRelay.StartAsync(
            $"services:\n  app:\n    port: 80\n    mesh_tls: false\n    protocol: http\n    endpoints: [\"127.0.0.1:{app.Port}\"]\n    routes:\n"
            + $"      - {{ name: limited, matches: [{{ path: {{ prefix: /limited }} }}], backends: [{{}}], rate_limit: {{ requests_per_second: {Rate}, burst: {Burst} }} }}\n"
            + "      - { name: rest, backends: [{}] }\n"
            + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n", destination: null);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = Wait };
        // Empty the bucket first (and warm the path), so the run measures the refill rate alone.
        Assert.InRange(await RateLimitedLoad.DrainAsync(client, "/limited"), Burst, Burst + 5);
        var servedBefore = app.Served;
        var other = 0;

        // Meanwhile the other route: never limited.
        var otherRoute = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await client.GetAsync("/other");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref other);
            }
        });
        var (ok, limited, _, elapsed, retryAfter, reason) = await RateLimitedLoad.RunAsync(client, "/limited/x", Workers, run, MaxRequests);
        await otherRoute;

        var expected = Rate * elapsed;
        Assert.True(limited > ok, $"the client did not outrun the limit ({ok} ok, {limited} limited): nothing was measured");
        Assert.InRange(ok, expected * 0.9, expected * 1.1);
        Assert.Equal(ok + other, app.Served - servedBefore);
        Assert.Equal("1", retryAfter);
        Assert.Equal("rate_limited", reason);
        Assert.Contains($"relay_request_errors_total{{direction=\"outbound\",reason=\"rate_limited\",service=\"app\"}} {limited + 1}", relay.Exporter.Scrape());
    }
}
