using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Relay.Tests.Http;
using Relay.Tests.Runtime;
using Relay.Tests.Support;
using Xunit.Abstractions;

namespace Relay.Tests.Routing;

/// <summary>
/// Mirroring on real sockets: service app (v1) with routes that copy requests to service shadow
/// (its own UpstreamApp). The shadow receives the configured share with Host suffixed -shadow and
/// small bodies copied; a hung or dead shadow never fails or slows the primary, and copies over
/// the in-flight bound are dropped and counted.
/// </summary>
[Trait("Tier", "Loopback")]
public sealed class MirrorLoopbackTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private static string Sections(int v1, int shadow, int listen, string routes) =>
        "services:\n  app:\n    port: 80\n    mesh_tls: false\n    protocol: http\n"
        + $"    endpoints: [{{ address: \"127.0.0.1:{v1}\", labels: {{ version: v1 }} }}]\n"
        + "    routes:\n" + routes
        + $"  shadow: {{ port: 81, mesh_tls: false, protocol: http, endpoints: [\"127.0.0.1:{shadow}\"] }}\n"
        + $"listeners:\n  - {{ address: \"127.0.0.1:{listen}\", direction: outbound, service: app }}\n";

    private static string Mirrored(int percent, string matches = "") =>
        $"      - {{ {matches}backends: [{{}}], mirror: {{ backend: {{ service: shadow }}, percent: {percent} }} }}\n";

    private static long Mirrors(string scrape, string result) =>
        ScrapedCounter.ValueOf(scrape, $"relay_request_mirrors_total{{result=\"{result}\",service=\"shadow\"}}");

    [Fact]
    public async Task ShadowGetsTheConfiguredShare_WithShadowHost_AndSmallBodies()
    {
        await using var v1 = await UpstreamApp.StartAsync();
        await using var shadow = await UpstreamApp.StartAsync();
        var listen = FreePorts.Next();
        var routes = Mirrored(100, "matches: [{ path: { prefix: /echo } }], ") + Mirrored(30);
        await using var relay = await LoopbackRelay.StartAsync(Sections(v1.Port, shadow.Port, listen, routes), destination: null);

        await using (var load = RequestLoad.Count(new Uri($"http://127.0.0.1:{listen}/port"), 8, 4_000, Bound))
        {
            await load.CompleteAsync();
            Assert.Equal(0, load.Failed);
        }
        // Copies are fire and forget: wait until every one has ended (sent, failed or dropped).
        var scrape = "";
        await Eventually.TrueAsync(() =>
        {
            scrape = relay.Exporter.Scrape();
            return shadow.Requests > 0 && Mirrors(scrape, "sent") == shadow.Requests;
        }, TimeSpan.FromSeconds(30));
        var copied = shadow.Requests + Mirrors(scrape, "dropped") + Mirrors(scrape, "failed");
        var share = 100.0 * copied / 4_000;
        output.WriteLine($"4000 requests: shadow received {shadow.Requests}, dropped {Mirrors(scrape, "dropped")}, failed {Mirrors(scrape, "failed")}: {share:F2} % copied (configured 30 %); v1 answered {v1.Requests}");
        Assert.InRange(share, 26, 34);
        Assert.Equal(4_000, v1.Requests);
        lock (shadow.Paths)
        {
            Assert.All(shadow.Hosts, h => Assert.Equal($"127.0.0.1-shadow:{listen}", h));
        }

        // A small POST is copied with its body; one over the 64 KiB buffer streams to the primary and is not copied.
        using var client = new HttpClient();
        var before = shadow.Requests;
        using var small = await client.PostAsync(new Uri($"http://127.0.0.1:{listen}/echo"), new ByteArrayContent(new byte[1000]));
        Assert.Equal(1000, (await small.Content.ReadAsByteArrayAsync()).Length);
        using var large = await client.PostAsync(new Uri($"http://127.0.0.1:{listen}/echo"), new ByteArrayContent(new byte[100_000]));
        Assert.Equal(100_000, (await large.Content.ReadAsByteArrayAsync()).Length);
        await Eventually.TrueAsync(() => shadow.Requests == before + 1, TimeSpan.FromSeconds(10));
        lock (shadow.Paths)
        {
            Assert.Equal([1000L], shadow.EchoLengths);
        }
        Assert.Equal([1000L, 100_000L], v1.EchoLengths.Order());
        Assert.Equal(1, Mirrors(relay.Exporter.Scrape(), "body_not_kept"));
    }

    [Fact]
    public async Task HungOrDeadShadow_NeverFailsOrSlowsThePrimary_OverflowIsDroppedAndCounted()
    {
        await using var v1 = await UpstreamApp.StartAsync();
        var shadow = await UpstreamApp.StartAsync();
        shadow.Hang = true;
        var listen = FreePorts.Next();
        var plain = "      - { backends: [{}] }\n";
        await using var relay = await LoopbackRelay.StartAsync(Sections(v1.Port, shadow.Port, listen, plain), destination: null);
        using var client = new HttpClient();
        var url = new Uri($"http://127.0.0.1:{listen}/port");

        var baseline = await LatenciesAsync(client, url, 300);
        Assert.Empty(await relay.Runtime.ApplyAsync(relay.Reconfigure(Sections(v1.Port, shadow.Port, listen, Mirrored(100)))));
        var hung = await LatenciesAsync(client, url, 300);
        var scrape = relay.Exporter.Scrape();
        var dropped = Mirrors(scrape, "dropped");
        await shadow.DisposeAsync();
        var dead = await LatenciesAsync(client, url, 300);

        output.WriteLine($"primary p50/p99/max ms: no mirror {P(baseline, 50):F2}/{P(baseline, 99):F2}/{baseline.Max():F2}; "
            + $"mirror to a hung shadow {P(hung, 50):F2}/{P(hung, 99):F2}/{hung.Max():F2} ({shadow.Requests} copies hang there, {dropped} dropped over the bound of 64); "
            + $"mirror to a dead shadow {P(dead, 50):F2}/{P(dead, 99):F2}/{dead.Max():F2} (loaded 2-core machine, a functional check, not a benchmark)");
        // The shadow holds every copy it gets forever: a primary that waited would take the 15 s mirror timeout.
        Assert.True(hung.Max() < 2_000 && dead.Max() < 2_000, $"slowest primary {hung.Max()} / {dead.Max()} ms");
        Assert.True(P(hung, 99) <= P(baseline, 99) * 3 + 50, $"p99 {P(hung, 99):F2} ms with a hung shadow vs {P(baseline, 99):F2} ms without a mirror");
        Assert.Equal(64, shadow.Requests);
        Assert.Equal(300 - 64, dropped);
        Assert.Equal(900, v1.Requests);
    }

    /// <summary>One request at a time, each must be a 200; milliseconds each.</summary>
    private static async Task<List<double>> LatenciesAsync(HttpClient client, Uri url, int count)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(url);
            await response.Content.ReadAsStringAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return latencies;
    }

    private static double P(List<double> values, int percentile) => values.Order().ElementAt(Math.Min(values.Count - 1, values.Count * percentile / 100));
}
