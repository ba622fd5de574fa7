using System.Net;
using System.Net.Http;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// Weighted routes on real sockets: a 90/10 split over 10,000 requests, a progressive canary by
/// four reloads under load with no failed request, an in-flight request finishing where it
/// started, header routing, hash stickiness on a header and on the client address, a request no
/// route matches (404), and a service without routes balancing as before.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class WeightedSplitLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Split90To10_Over10000Requests_HoldsWithinTwoPoints()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(90, 10));

        await using var load = RequestLoad.Count(r.Url(), workers: 16, count: 10_000, Bound);
        await load.CompleteAsync();

        Assert.Equal(0, load.Failed);
        Assert.Equal(10_000, load.Sent);
        var share = 100.0 * load.CountFor(r.V2.Port) / load.Sent;
        output.WriteLine($"v2 share over {load.Sent} requests: {share:F2}% (configured 10%), {load.RequestsPerSecond:F0} req/s");
        Assert.InRange(share, 8.0, 12.0);
        Assert.Equal(10_000, r.V1.Requests + r.V2.Requests);
    }

    /// <summary>0 → 10 → 50 → 100 % to v2 by four reloads while ≥ 200 req/s run; the last weight is in force within 1 s.</summary>
    [Fact]
    public async Task ProgressiveCanary_FourReloadsUnderLoad_ZeroFailures_AndTheLastTakesEffectWithinASecond()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(100, 0));
        // 8 workers every 25 ms: 320 req/s offered.
        await using var load = RequestLoad.Paced(r.Url(), workers: 8, TimeSpan.FromMilliseconds(25), Bound);
        var shares = new List<string>();
        foreach (var canary in new[] { 10, 50, 100 })
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (v1Before, v2Before) = (r.V1.Requests, r.V2.Requests);
            await r.ReloadAsync(RouteRelay.Split(100 - canary, canary));
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (v1, v2) = (r.V1.Requests - v1Before, r.V2.Requests - v2Before);
            shares.Add($"{canary}%: v2 got {v2} of {v1 + v2}");
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        // 100 % was applied 3 s ago: from 1 s after it, v1 must see nothing new.
        var v1Settled = r.V1.Requests;
        await Task.Delay(TimeSpan.FromSeconds(1));
        var v1After = r.V1.Requests;
        await load.StopAsync();

        output.WriteLine($"{load.Sent} requests at {load.RequestsPerSecond:F0} req/s, {load.Failed} failed; {string.Join("; ", shares)}");
        Assert.True(load.Failed == 0, $"{load.Failed} of {load.Sent} failed: {load.FailureSample}");
        Assert.True(load.RequestsPerSecond >= 200, $"only {load.RequestsPerSecond:F0} req/s");
        Assert.Equal(v1Settled, v1After);
        Assert.True(r.V2.Requests > 0 && r.V1.Requests > 0);
    }

    [Fact]
    public async Task InFlightRequest_FinishesWhereItStarted_AcrossAReload()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(100, 0));
        using var client = new HttpClient();

        var slow = client.GetStringAsync(r.Url("/slow?ms=1500"));
        await Support.Eventually.TrueAsync(() => r.V1.Requests == 1, TimeSpan.FromSeconds(10));
        await r.ReloadAsync(RouteRelay.Split(0, 100));
        var after = await client.GetStringAsync(r.Url());

        Assert.Equal("done", await slow);
        Assert.Equal(r.V2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), after);
        Assert.Equal(1, r.V1.Requests);
    }

    [Fact]
    public async Task HeaderMatch_SendsTheCanaryHeaderToV2_AndEveryoneElseToV1()
    {
        await using var r = await RouteRelay.StartAsync(
            "      - { name: canary, matches: [{headers: [{name: x-canary, exact: \"1\"}]}], backends: [{subset: {version: v2}}] }\n"
            + "      - { name: stable, backends: [{subset: {version: v1}}] }\n");

        await using var canary = RequestLoad.Count(r.Url(), 4, 200, Bound, headers: new Dictionary<string, string> { ["x-canary"] = "1" });
        await canary.CompleteAsync();
        await using var stable = RequestLoad.Count(r.Url(), 4, 200, Bound, headers: new Dictionary<string, string> { ["x-canary"] = "0" });
        await stable.CompleteAsync();

        Assert.Equal((0, 0), (canary.Failed, stable.Failed));
        Assert.Equal(200, canary.CountFor(r.V2.Port));
        Assert.Equal(200, stable.CountFor(r.V1.Port));
    }

    [Fact]
    public async Task HashOnHeader_KeepsEachUserOnOneVersion_AndSpreadsUsers()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(50, 50, ", hash: {header: x-user}"));
        var versionsOfUser = new Dictionary<string, string[]>();

        for (var user = 0; user < 20; user++)
        {
            await using var load = RequestLoad.Count(r.Url(), 2, 20, Bound, headers: new Dictionary<string, string> { ["x-user"] = $"user-{user}" });
            await load.CompleteAsync();
            Assert.Equal(0, load.Failed);
            versionsOfUser[$"user-{user}"] = [.. load.ByBackend.Keys];
        }

        Assert.All(versionsOfUser, u => Assert.Single(u.Value));
        Assert.Equal(2, versionsOfUser.Values.Select(v => v[0]).Distinct().Count());
    }

    [Fact]
    public async Task HashOnClientAddress_KeepsEachSourceOnOneVersion_AndSpreadsSources()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(50, 50, ", hash: {client_address: true}"));
        var versionsOfSource = new Dictionary<string, string[]>();

        for (var host = 2; host < 22; host++)
        {
            // Every 127/8 address is loopback on Linux: 20 distinct callers.
            await using var load = RequestLoad.Count(r.Url(), 2, 20, Bound, localAddress: IPAddress.Parse($"127.0.0.{host}"));
            await load.CompleteAsync();
            Assert.True(load.Failed == 0, load.FailureSample);
            versionsOfSource[$"127.0.0.{host}"] = [.. load.ByBackend.Keys];
        }

        Assert.All(versionsOfSource, s => Assert.Single(s.Value));
        Assert.Equal(2, versionsOfSource.Values.Select(v => v[0]).Distinct().Count());
    }

    [Fact]
    public async Task NoRouteMatches_Is404WithTheReason_AndNothingReachesTheApps()
    {
        await using var r = await RouteRelay.StartAsync("      - { matches: [{path: {prefix: /api}}], backends: [{}] }\n");
        using var client = new HttpClient();

        using var response = await client.GetAsync(r.Url("/port"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no_route_matched", response.Headers.GetValues("x-relay-error").Single());
        Assert.Equal(0, r.V1.Requests + r.V2.Requests);
        await Support.Eventually.TrueAsync(() => r.Relay.Exporter.Scrape().Contains("relay_request_errors_total{direction=\"outbound\",reason=\"no_route_matched\",service=\"app\"} 1", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServiceWithoutRoutes_BalancesOverAllEndpoints()
    {
        await using var r = await RouteRelay.StartAsync("");

        await using var load = RequestLoad.Count(r.Url(), 4, 200, Bound);
        await load.CompleteAsync();

        Assert.Equal(0, load.Failed);
        // Round robin: an even split.
        Assert.InRange(load.CountFor(r.V1.Port), 90, 110);
    }

    /// <summary>A tcp service's route splits connections: each new connection draws a backend by weight.</summary>
    [Fact]
    public async Task L4Split_70To30_ConnectionsFollowTheWeights()
    {
        await using var r = await RouteRelay.StartAsync(RouteRelay.Split(70, 30), protocol: "tcp");

        // Connection: close makes every request its own TCP connection, so its own draw.
        await using var load = RequestLoad.Count(r.Url(), 4, 2_000, Bound, headers: new Dictionary<string, string> { ["Connection"] = "close" });
        await load.CompleteAsync();

        Assert.True(load.Failed == 0, load.FailureSample);
        var share = 100.0 * load.CountFor(r.V2.Port) / load.Sent;
        output.WriteLine($"L4: v2 share over {load.Sent} connections: {share:F2}% (configured 30%)");
        // Binomial(2000, 0.3): sd 1.02 points; ±4 is about 4 sd.
        Assert.InRange(share, 26.0, 34.0);
        // The L4 path carried them (no HTTP parsing): each connection's access line says protocol=tcp.
        await Support.Eventually.TrueAsync(() => r.Relay.Log.AccessLines.Count(l => l.Contains("protocol=tcp", StringComparison.Ordinal)) == 2_000, TimeSpan.FromSeconds(20));
    }
}
