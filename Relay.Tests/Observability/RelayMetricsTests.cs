using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Observability;

[Trait("Tier", "Unit")]
public sealed class RelayMetricsTests
{
    [Fact]
    public void ConnectionClosed_RecordsCountersBytesAndDuration()
    {
        using var metrics = new RelayMetrics(version: "1.2.3");
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.ConnectionOpened(Direction.Outbound);
        metrics.ConnectionOpened(Direction.Outbound);
        metrics.ConnectionClosed(Direction.Outbound, CloseReason.UpstreamConnectFailed, 10, 0, TimeSpan.FromMilliseconds(3), "orders");
        var text = exporter.Scrape();

        Assert.Contains("relay_connections_opened_total{direction=\"outbound\"} 2\n", text);
        Assert.Contains("relay_connections_active{direction=\"outbound\"} 1\n", text);
        Assert.Contains("relay_connections_closed_total{direction=\"outbound\",reason=\"upstream_connect_failed\"} 1\n", text);
        Assert.Contains("relay_bytes_total{direction=\"outbound\",flow=\"client_to_upstream\",service=\"orders\"} 10\n", text);
        Assert.DoesNotContain("flow=\"upstream_to_client\"", text);
        Assert.Contains("relay_connection_duration_seconds_bucket{direction=\"outbound\",service=\"orders\",le=\"0.0025\"} 0\n", text);
        Assert.Contains("relay_connection_duration_seconds_bucket{direction=\"outbound\",service=\"orders\",le=\"0.005\"} 1\n", text);
        Assert.Contains("relay_connection_duration_seconds_bucket{direction=\"outbound\",service=\"orders\",le=\"3600\"} 1\n", text);
        Assert.Contains("relay_service_connections_total{direction=\"outbound\",result=\"failure\",service=\"orders\"} 1\n", text);
        Assert.Contains("relay_build_info{version=\"1.2.3\"} 1\n", text);
    }

    [Fact]
    public void UpstreamConnect_SuccessFeedsHistogram_FailureCountsPerService()
    {
        using var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.UpstreamConnect("orders", TimeSpan.FromMilliseconds(2), succeeded: true);
        metrics.UpstreamConnect("orders", TimeSpan.FromSeconds(2), succeeded: false);
        var text = exporter.Scrape();

        Assert.Contains("relay_upstream_connect_seconds_count 1\n", text);
        Assert.Contains("relay_upstream_connect_failures_total{service=\"orders\"} 1\n", text);
    }

    [Fact]
    public void ConfigReload_Failure_KeepsRevisionAndLastSuccessTime()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var metrics = new RelayMetrics(timeProvider: time);
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.ConfigLoaded("rev1");
        time.Advance(TimeSpan.FromSeconds(30));
        metrics.ConfigReload(ok: false, "rev1");
        var text = exporter.Scrape();

        Assert.Contains("relay_config_reload_total{result=\"failure\"} 1\n", text);
        Assert.DoesNotContain("result=\"success\"", text);
        Assert.Contains("relay_config_revision_info{revision=\"rev1\"} 1\n", text);
        Assert.Contains("relay_config_last_reload_success_timestamp_seconds 1700000000\n", text);
    }

    [Fact]
    public void ConfigReload_Success_SwapsRevisionAndTimestamp()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var metrics = new RelayMetrics(timeProvider: time);
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.ConfigLoaded("rev1");
        time.Advance(TimeSpan.FromSeconds(30));
        metrics.ConfigReload(ok: true, "rev2");
        var text = exporter.Scrape();

        Assert.Contains("relay_config_reload_total{result=\"success\"} 1\n", text);
        Assert.Contains("relay_config_revision_info{revision=\"rev2\"} 1\n", text);
        Assert.DoesNotContain("rev1", text);
        Assert.Contains("relay_config_last_reload_success_timestamp_seconds 1700000030\n", text);
    }

    [Fact]
    public void TwoInstances_DoNotSeeEachOthersMeasurements()
    {
        using var first = new RelayMetrics();
        using var second = new RelayMetrics();
        using var firstExporter = new PrometheusExporter(first.Meter);
        using var secondExporter = new PrometheusExporter(second.Meter);

        first.ConnectionOpened(Direction.Inbound);

        Assert.Contains("relay_connections_opened_total{direction=\"inbound\"} 1\n", firstExporter.Scrape());
        Assert.DoesNotContain("relay_connections_opened_total{", secondExporter.Scrape());
    }

    [Fact]
    public void ConnectionClosed_UndefinedReason_CountsAsInternalError()
    {
        using var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);

        metrics.ConnectionClosed(Direction.Inbound, (CloseReason)999, 0, 0, TimeSpan.Zero);

        Assert.Contains("reason=\"internal_error\"} 1\n", exporter.Scrape());
    }
}
