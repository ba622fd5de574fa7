using System.Net;
using Relay.Tests.Daemon;
using Relay.Tests.Http;
using Relay.Tests.Support;

namespace Relay.Tests.Observability;

/// <summary>
/// The request golden metrics through a real Prometheus: a running Relay forwards a known mix of
/// HTTP requests (fast and slow ones to a live app, refusals from a service with no live endpoint),
/// Prometheus scrapes it, and the PromQL an operator would write for request rate, success rate and
/// p99 (the queries docs/observability.md lists) returns what the traffic produced.
/// </summary>
[Trait("Tier", "Loopback")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealPrometheusHttpTests : IDisposable
{
    private const int Fast = 100;
    private const int Slow = 10;
    private const int Failed = 20;

    private readonly string _dir = Directory.CreateTempSubdirectory("relay-promhttp-").FullName;

    [Fact]
    public async Task Prometheus_ScrapesRelay_PromQlRequestRateSuccessRateAndP99MatchTheTraffic()
    {
        await using var app = await UpstreamApp.StartAsync();
        await using var daemon = await TwoServiceDaemon.StartAsync(_dir, app.Port);
        await using var prometheus = await PrometheusServer.StartAsync(new IPEndPoint(IPAddress.Loopback, daemon.Admin));
        using var orders = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daemon.OrdersListener}/"), Timeout = DaemonProcess.Wait };
        using var billing = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daemon.BillingListener}/"), Timeout = DaemonProcess.Wait };

        // One request of each kind first, scraped before the measured traffic: the series exist
        // with a sample from before it, so rate() sees the whole increase.
        Assert.Equal(HttpStatusCode.OK, (await orders.GetAsync("hello")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await billing.GetAsync("x")).StatusCode);
        await prometheus.WaitForValueAsync("sum(relay_requests_total)", 2, DaemonProcess.Wait);
        var started = DateTime.UtcNow;
        var slowest = new long[Slow];
        var slow = Enumerable.Range(0, Slow).Select(async i =>
        {
            var took = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await orders.GetAsync("delay")).StatusCode);
            slowest[i] = took.ElapsedTicks;
        }).ToList();
        for (var i = 0; i < Fast; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await orders.GetAsync($"hello?i={i}")).StatusCode);
            if (i < Failed)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await billing.GetAsync($"x/{i}")).StatusCode);
            }
            await Task.Delay(40); // ~4-6 s of traffic: several scrapes see it grow
        }
        await Task.WhenAll(slow);

        await prometheus.WaitForValueAsync("sum(relay_requests_total{service=\"orders\"})", 1 + Fast + Slow, DaemonProcess.Wait);
        await prometheus.WaitForValueAsync("sum(relay_requests_total{service=\"billing\",code_class=\"5xx\"})", 1 + Failed, DaemonProcess.Wait);
        // The window reaches 3 s (three scrapes) before the traffic, so its first sample is one
        // from before it and rate() sees the whole increase (rate times window is that increase).
        var traffic = (DateTime.UtcNow - started).TotalSeconds;
        var window = (int)Math.Ceiling(traffic) + 3;

        // Request rate per service, times the window: the traffic's count, give or take
        // Prometheus's extrapolation to the window's edges.
        var rate = await prometheus.ScalarAsync(Queries.RequestRate("orders", window));
        Assert.True(rate!.Value * window >= 0.6 * (Fast + Slow) && rate.Value * window <= 1.4 * (Fast + Slow),
            $"orders rate {rate}/s over {window}s = {rate * window:F0} requests (traffic {traffic:F1}s), expected {Fast + Slow}");
        Assert.Equal(1.0, await prometheus.ScalarAsync(Queries.SuccessRate("orders", window)));
        Assert.Equal(0.0, await prometheus.ScalarAsync(Queries.SuccessRate("billing", window)));
        // Over the whole run (counters, no extrapolation): every request but billing's failed.
        var all = await prometheus.ScalarAsync("sum(relay_requests_total{code_class!=\"5xx\"}) / sum(relay_requests_total)");
        Assert.Equal((double)(1 + Fast + Slow) / (2 + Fast + Slow + Failed), all!.Value, 6);
        // 10 of 110 requests to orders waited 300 ms in the app: p99 falls in the (0.25, 0.5] s
        // bucket, p50 among the millisecond ones. On a loaded machine the slow ones can take over
        // 0.5 s end to end (0.91 s once in a full-suite run): the bound is then the bucket holding
        // the slowest one the client saw, since Relay's duration is inside the client's.
        var clientSlowest = slowest.Max() / (double)System.Diagnostics.Stopwatch.Frequency;
        var upper = Math.Max(0.5, Relay.Core.Observability.MetricBuckets.RequestDuration.First(b => b >= clientSlowest));
        var p99 = (await prometheus.ScalarAsync(Queries.Latency(0.99, "orders", window)))!.Value;
        Assert.True(p99 >= 0.25 && p99 <= upper, $"p99 {p99:F3} s, expected (0.25, {upper}] (slowest request seen by the client {clientSlowest:F3} s)");
        Assert.InRange((await prometheus.ScalarAsync(Queries.Latency(0.5, "orders", window)))!.Value, 0, 0.1);

        // The Grafana board: every panel's PromQL returns data for this traffic. Closing the
        // clients' keep-alive connections first gives the connection panels closed connections.
        orders.Dispose();
        billing.Dispose();
        await prometheus.WaitForValueAsync("sum(relay_service_connections_active)", 0, DaemonProcess.Wait);
        var board = GrafanaBoard.Load(Systemd.RepoFiles.PathOf("observability/grafana/relay.json"));
        Assert.True(board.Count >= 10, $"{board.Count} panel queries");
        foreach (var (panel, expr) in board)
        {
            // Polled: a series born when the connections closed needs two scrapes before rate() has data.
            var promql = GrafanaBoard.Expand(expr, rateInterval: $"{window + 30}s");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (await prometheus.SeriesCountAsync(promql) == 0)
            {
                Assert.True(DateTime.UtcNow < until, $"panel '{panel}' returned no data: {promql}");
                await Task.Delay(250);
            }
        }
    }

    /// <summary>
    /// The golden-signal queries as docs/observability.md gives them. "or vector(0)": a service
    /// whose every request failed has no non-5xx series, and the ratio would be empty, not 0.
    /// </summary>
    internal static class Queries
    {
        public static string RequestRate(string service, int window) =>
            $"sum(rate(relay_requests_total{{direction=\"outbound\",service=\"{service}\"}}[{window}s]))";

        public static string SuccessRate(string service, int window) =>
            $"(sum(rate(relay_requests_total{{direction=\"outbound\",service=\"{service}\",code_class!=\"5xx\"}}[{window}s])) or vector(0)) / sum(rate(relay_requests_total{{direction=\"outbound\",service=\"{service}\"}}[{window}s]))";

        public static string Latency(double quantile, string service, int window) =>
            $"histogram_quantile({quantile.ToString(System.Globalization.CultureInfo.InvariantCulture)}, sum by (le) (rate(relay_request_duration_seconds_bucket{{direction=\"outbound\",service=\"{service}\"}}[{window}s])))";
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
