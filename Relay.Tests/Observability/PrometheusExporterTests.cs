using System.Diagnostics;
using System.Diagnostics.Metrics;
using Relay.Core.Observability;

namespace Relay.Tests.Observability;

[Trait("Tier", "Unit")]
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("Relay.Test");
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests() => _exporter = new PrometheusExporter(_meter);

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Scrape_Counter_WritesHelpTypeAndSum()
    {
        var counter = _meter.CreateCounter<long>("things_total", null, "Things seen.");
        counter.Add(2);
        counter.Add(3);

        Assert.Equal("# HELP things_total Things seen.\n# TYPE things_total counter\nthings_total 5\n", _exporter.Scrape());
    }

    [Fact]
    public void ScrapeUtf8_IsTheTextsUtf8_AcrossManyBuilderChunks_NonAsciiLabelsIncluded()
    {
        // Enough series that the StringBuilder holds many chunks (it grows by chunks of up to
        // 8,000 chars), with multi-byte and surrogate-pair label values among them.
        var counter = _meter.CreateCounter<long>("things_total");
        for (var i = 0; i < 2000; i++)
        {
            counter.Add(i, new KeyValuePair<string, object?>("service", i % 3 == 0 ? $"zürich-{i}" : i % 3 == 1 ? $"emoji-\U0001F680-{i}" : $"svc-{i}"));
        }

        var text = _exporter.Scrape();
        using var utf8 = _exporter.ScrapeUtf8();

        Assert.True(text.Length > 50_000, $"{text.Length} chars");
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), utf8.Memory.ToArray());
    }

    [Fact]
    public void Scrape_CounterWithoutTotalSuffix_AppendsTotal()
    {
        _meter.CreateCounter<long>("relay.tls.handshakes").Add(1);

        Assert.Equal("# TYPE relay_tls_handshakes_total counter\nrelay_tls_handshakes_total 1\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_UpDownCounter_IsGaugeThatGoesDown()
    {
        var active = _meter.CreateUpDownCounter<long>("active", null, "Open now.");
        active.Add(3);
        active.Add(-1);

        Assert.Contains("# TYPE active gauge\nactive 2\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_ObservableGauge_ReportsCurrentValueAndDropsVanishedSeries()
    {
        var revision = "a";
        _meter.CreateObservableGauge("revision_info", () => new Measurement<long>(1, new KeyValuePair<string, object?>("revision", revision)));

        Assert.Contains("revision_info{revision=\"a\"} 1\n", _exporter.Scrape());
        revision = "b";
        var second = _exporter.Scrape();

        Assert.Contains("revision_info{revision=\"b\"} 1\n", second);
        Assert.DoesNotContain("revision=\"a\"", second);
    }

    [Fact]
    public void Scrape_DoubleGauge_FormatsInvariant()
    {
        _meter.CreateObservableGauge("ts_seconds", () => 1234.5);

        Assert.Contains("ts_seconds 1234.5\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_Histogram_WritesCumulativeBucketsSumAndCount()
    {
        var histogram = _meter.CreateHistogram("latency_seconds", "s", "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        histogram.Record(0.05);
        histogram.Record(0.1);
        histogram.Record(0.5);
        histogram.Record(7);

        var expected =
            "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{le=\"0.1\"} 2\n" +
            "latency_seconds_bucket{le=\"1\"} 3\n" +
            "latency_seconds_bucket{le=\"+Inf\"} 4\n" +
            "latency_seconds_sum 7.65\n" +
            "latency_seconds_count 4\n";
        Assert.Equal(expected, _exporter.Scrape());
    }

    [Fact]
    public void Scrape_HistogramWithLabels_PutsLeLast()
    {
        var histogram = _meter.CreateHistogram("h", null, null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1] });
        histogram.Record(2, new KeyValuePair<string, object?>("direction", "inbound"));

        var text = _exporter.Scrape();

        Assert.Contains("h_bucket{direction=\"inbound\",le=\"1\"} 0\n", text);
        Assert.Contains("h_bucket{direction=\"inbound\",le=\"+Inf\"} 1\n", text);
        Assert.Contains("h_sum{direction=\"inbound\"} 2\n", text);
        Assert.Contains("h_count{direction=\"inbound\"} 1\n", text);
    }

    [Fact]
    public void Scrape_LabelValue_EscapesBackslashQuoteAndNewline()
    {
        _meter.CreateCounter<long>("odd_total").Add(1, new KeyValuePair<string, object?>("v", "a\\b\"c\nd"));

        Assert.Contains("odd_total{v=\"a\\\\b\\\"c\\nd\"} 1\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_HelpText_EscapesBackslashAndNewline()
    {
        _meter.CreateCounter<long>("doc_total", null, "line1\nC:\\path").Add(1);

        Assert.Contains("# HELP doc_total line1\\nC:\\\\path\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_TwoTagSets_KeepsSeparateSumsSortedByLabels()
    {
        var counter = _meter.CreateCounter<long>("conn_total");
        counter.Add(1, new KeyValuePair<string, object?>("direction", "outbound"));
        counter.Add(4, new KeyValuePair<string, object?>("direction", "inbound"));
        counter.Add(2, new KeyValuePair<string, object?>("direction", "outbound"));

        Assert.EndsWith("conn_total{direction=\"inbound\"} 4\nconn_total{direction=\"outbound\"} 3\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_TagOrder_DoesNotSplitSeriesAndLabelsAreSorted()
    {
        var counter = _meter.CreateCounter<long>("pair_total");
        counter.Add(1, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", "1"));
        counter.Add(1, new KeyValuePair<string, object?>("a", "1"), new KeyValuePair<string, object?>("b", "2"));

        Assert.EndsWith("# TYPE pair_total counter\npair_total{a=\"1\",b=\"2\"} 2\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_Families_AreSortedByName()
    {
        _meter.CreateCounter<long>("zeta_total").Add(1);
        _meter.CreateCounter<long>("alpha_total").Add(1);
        _meter.CreateUpDownCounter<long>("mid").Add(1);

        var text = _exporter.Scrape();

        Assert.True(text.IndexOf("alpha_total", StringComparison.Ordinal) < text.IndexOf("# TYPE mid", StringComparison.Ordinal));
        Assert.True(text.IndexOf("# TYPE mid", StringComparison.Ordinal) < text.IndexOf("zeta_total", StringComparison.Ordinal));
        Assert.Equal(text, _exporter.Scrape());
    }

    [Fact]
    public void Scrape_NonStringTagAndDottedName_AreSanitised()
    {
        _meter.CreateCounter<long>("codes_total").Add(1, new KeyValuePair<string, object?>("http.status", 503));

        Assert.Contains("codes_total{http_status=\"503\"} 1\n", _exporter.Scrape());
    }

    [Fact]
    public void Scrape_OtherMeterWithSameName_IsNotExported()
    {
        using var stranger = new Meter("Relay.Test");
        stranger.CreateCounter<long>("stranger_total").Add(1);

        Assert.DoesNotContain("stranger_total", _exporter.Scrape());
    }

    [Fact]
    public void Record_SteadyState_AllocatesNothing()
    {
        var counter = _meter.CreateCounter<long>("alloc_total");
        var histogram = _meter.CreateHistogram<double>("alloc_seconds");
        var tag = new KeyValuePair<string, object?>("direction", "outbound");
        void RecordBatch()
        {
            for (var i = 0; i < 1000; i++)
            {
                counter.Add(1, new TagList { tag });
                histogram.Record(0.5, new TagList { tag });
            }
        }
        RecordBatch();

        var before = GC.GetAllocatedBytesForCurrentThread();
        RecordBatch();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains("alloc_total{direction=\"outbound\"} 2000\n", _exporter.Scrape());
    }

    [Fact]
    public async Task Record_ConcurrentWriters_LoseNoUpdates()
    {
        var counter = _meter.CreateCounter<long>("race_total");
        var sum = _meter.CreateCounter<double>("race_seconds_total");
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(1);
                sum.Add(0.5);
            }
        }));
        await Task.WhenAll(writers);

        var text = _exporter.Scrape();

        Assert.Contains("race_total 40000\n", text);
        Assert.Contains("race_seconds_total 20000\n", text);
    }
}
