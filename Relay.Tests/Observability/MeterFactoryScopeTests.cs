using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Observability;

[Trait("Tier", "Unit")]
public sealed class MeterFactoryScopeTests
{
    [Fact]
    public void Scrape_RelayPrefixedMeterFromSameFactory_IsExported_OtherFactoryIsNot()
    {
        using var ours = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var theirs = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = ours.GetRequiredService<IMeterFactory>();
        using var metrics = new RelayMetrics(factory);
        using var exporter = new PrometheusExporter(metrics.Meter);

        factory.Create("Relay.Tls").CreateCounter<long>("relay_tls_handshakes_total").Add(2);
        theirs.GetRequiredService<IMeterFactory>().Create("Relay.Tls").CreateCounter<long>("relay_foreign_total").Add(1);
        factory.Create("Other").CreateCounter<long>("other_total").Add(1);
        metrics.ConnectionOpened(Direction.Outbound);
        var text = exporter.Scrape();

        Assert.Contains("relay_tls_handshakes_total 2\n", text);
        Assert.Contains("relay_connections_opened_total{direction=\"outbound\"} 1\n", text);
        Assert.DoesNotContain("relay_foreign_total", text);
        Assert.DoesNotContain("other_total", text);
    }

    [Fact]
    public void Scrape_MeterDisposed_DropsItsFamilies()
    {
        var metrics = new RelayMetrics();
        using var exporter = new PrometheusExporter(metrics.Meter);
        metrics.ConnectionOpened(Direction.Inbound);
        Assert.Contains("relay_connections_opened_total", exporter.Scrape());

        metrics.Dispose();

        Assert.Equal("", exporter.Scrape());
    }
}
