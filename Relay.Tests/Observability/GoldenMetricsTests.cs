using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Http;
using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Observability;

/// <summary>
/// The golden metrics per service (outbound) and per inbound port: request count by status class,
/// latency histogram, and the TCP side (connections by result, active, bytes, duration); and that
/// their labels stay bounded whatever the requests carry.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class GoldenMetricsTests
{
    [Fact]
    public void RequestsFlood_OfDistinctPathsAuthoritiesAndIds_CreatesNoNewSeries()
    {
        using var metrics = new RelayMetrics(version: "test");
        using var exporter = new PrometheusExporter(metrics.Meter);
        var recorder = new RequestRecorder(NullLogger.Instance, metrics);
        recorder.Completed(Request("/first", "a.example", 200));
        recorder.Completed(Request("/first", "a.example", 503, error: "upstream_connect_failed"));
        var before = SeriesLines(exporter.Scrape());

        for (var i = 0; i < 5000; i++)
        {
            recorder.Completed(Request($"/users/{i}/orders?id={Guid.NewGuid()}", $"host{i}.example", i % 2 == 0 ? 200 : 503,
                error: i % 2 == 0 ? null : "upstream_connect_failed", peer: $"spiffe://mesh.test/ns/n{i}"));
        }
        var after = SeriesLines(exporter.Scrape());

        Assert.Equal(before.Select(Key), after.Select(Key));
        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"-\",service=\"orders\"} 2501", after);
        Assert.Contains("relay_requests_total{code_class=\"5xx\",direction=\"outbound\",route=\"-\",service=\"orders\"} 2501", after);
        Assert.DoesNotContain(after, l => l.Contains("/users", StringComparison.Ordinal) || l.Contains("host1", StringComparison.Ordinal));
    }

    [Fact]
    public void RequestCompleted_WithARoute_LabelsItsName_AndNoRouteIsADash()
    {
        using var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.RequestCompleted(Direction.Outbound, "orders", 200, TimeSpan.FromMilliseconds(3), "canary");
        metrics.RequestCompleted(Direction.Outbound, "orders", 200, TimeSpan.FromMilliseconds(3), "canary");
        metrics.RequestCompleted(Direction.Outbound, "orders", 200, TimeSpan.FromMilliseconds(3));
        var text = exporter.Scrape();

        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"canary\",service=\"orders\"} 2\n", text);
        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"-\",service=\"orders\"} 1\n", text);
        Assert.Contains("relay_request_duration_seconds_count{direction=\"outbound\",route=\"canary\",service=\"orders\"} 2\n", text);
    }

    [Fact]
    public void RequestCompleted_PerServiceAndInboundPort_CountsByClassAndFeedsTheHistogram()
    {
        using var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.RequestCompleted(Direction.Outbound, "orders", 200, TimeSpan.FromMilliseconds(3));
        metrics.RequestCompleted(Direction.Outbound, "orders", 404, TimeSpan.FromMilliseconds(3));
        metrics.RequestCompleted(Direction.Inbound, "inbound:8080", 500, TimeSpan.FromSeconds(2));
        var text = exporter.Scrape();

        Assert.Contains("relay_requests_total{code_class=\"2xx\",direction=\"outbound\",route=\"-\",service=\"orders\"} 1\n", text);
        Assert.Contains("relay_requests_total{code_class=\"4xx\",direction=\"outbound\",route=\"-\",service=\"orders\"} 1\n", text);
        Assert.Contains("relay_requests_total{code_class=\"5xx\",direction=\"inbound\",route=\"-\",service=\"inbound:8080\"} 1\n", text);
        Assert.Contains("relay_request_duration_seconds_count{direction=\"outbound\",route=\"-\",service=\"orders\"} 2\n", text);
        Assert.Contains("relay_request_duration_seconds_bucket{direction=\"inbound\",route=\"-\",service=\"inbound:8080\",le=\"1\"} 0\n", text);
        Assert.Contains("relay_request_duration_seconds_bucket{direction=\"inbound\",route=\"-\",service=\"inbound:8080\",le=\"2.5\"} 1\n", text);
    }

    [Fact]
    public void ServiceConnections_CountByResult_AndActiveFollowsStartAndEnd()
    {
        using var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.ServiceConnectionStarted(Direction.Inbound, "inbound:9090");
        metrics.ServiceConnectionStarted(Direction.Inbound, "inbound:9090");
        metrics.ServiceConnectionEnded(Direction.Inbound, "inbound:9090");
        metrics.ConnectionClosed(Direction.Inbound, CloseReason.Completed, 5, 7, TimeSpan.FromMilliseconds(1), "inbound:9090");
        metrics.ConnectionClosed(Direction.Outbound, CloseReason.PolicyDenied, 0, 0, TimeSpan.Zero, service: null);
        var text = exporter.Scrape();

        Assert.Contains("relay_service_connections_active{direction=\"inbound\",service=\"inbound:9090\"} 1\n", text);
        Assert.Contains("relay_service_connections_total{direction=\"inbound\",result=\"success\",service=\"inbound:9090\"} 1\n", text);
        Assert.Contains("relay_service_connections_total{direction=\"outbound\",result=\"failure\",service=\"-\"} 1\n", text);
        Assert.Contains("relay_bytes_total{direction=\"inbound\",flow=\"upstream_to_client\",service=\"inbound:9090\"} 7\n", text);
        Assert.Contains("relay_connection_duration_seconds_count{direction=\"inbound\",service=\"inbound:9090\"} 1\n", text);
    }

    private static RequestRecord Request(string path, string authority, int status, string? error = null, string? peer = null) =>
        new(Direction.Outbound, "orders", "GET", authority, path, "HTTP/1.1", status, Stopwatch.GetTimestamp(), 10, 20, peer,
            Guid.NewGuid().ToString(), error, "127.0.0.1:8080");

    /// <summary>Sample lines (no comments), as "series value".</summary>
    private static List<string> SeriesLines(string text) =>
        [.. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#' && !l.StartsWith("relay_build_info", StringComparison.Ordinal))];

    private static string Key(string line) => line[..line.LastIndexOf(' ')];
}
