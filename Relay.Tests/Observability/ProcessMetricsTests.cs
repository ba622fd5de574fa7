using System.Diagnostics.Metrics;
using System.Globalization;
using Relay.Core.Observability;

namespace Relay.Tests.Observability;

/// <summary>
/// The process and GC families read at scrape time: present, typed, and in step with what the
/// process itself reports (RSS against /proc, fds against a file this test holds open, GC
/// collections against a collection this test runs).
/// </summary>
public sealed class ProcessMetricsTests
{
    private static (string Text, Func<string, double> Value) Scrape()
    {
        using var meter = new Meter(MetricNames.MeterName);
        ProcessMetrics.Register(meter);
        using var exporter = new PrometheusExporter(meter);
        var text = exporter.Scrape();
        return (text, series =>
        {
            var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"no series {series} in:\n{text}");
            return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        });
    }

    [Fact]
    public void EveryFamily_IsExported_WithItsType()
    {
        var (text, _) = Scrape();
        foreach (var (name, type) in new[]
        {
            (ProcessMetrics.ResidentMemory, "gauge"), (ProcessMetrics.VirtualMemory, "gauge"), (ProcessMetrics.OpenFds, "gauge"),
            (ProcessMetrics.MaxFds, "gauge"), (ProcessMetrics.CpuSeconds, "counter"), (ProcessMetrics.StartTime, "gauge"),
            (ProcessMetrics.GcHeap, "gauge"), (ProcessMetrics.GcCommitted, "gauge"), (ProcessMetrics.GcAllocated, "counter"),
            (ProcessMetrics.GcCollections, "counter"), (ProcessMetrics.GcPause, "counter"),
        })
        {
            Assert.Contains($"# TYPE {name} {type}\n", text, StringComparison.Ordinal);
        }
        foreach (var generation in new[] { "0", "1", "2", "loh", "poh" })
        {
            Assert.Contains($"relay_gc_heap_bytes{{generation=\"{generation}\"}} ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Values_AgreeWithTheProcess()
    {
        using var held = File.OpenRead(typeof(ProcessMetricsTests).Assembly.Location);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var gen2 = GC.CollectionCount(2);
        var (_, value) = Scrape();

        var rss = value(ProcessMetrics.ResidentMemory);
        var status = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var statusRss = long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        Assert.InRange(rss, statusRss * 0.8, statusRss * 1.25);
        Assert.True(value(ProcessMetrics.VirtualMemory) > rss);

        var fds = value(ProcessMetrics.OpenFds);
        Assert.InRange(fds, 4, value(ProcessMetrics.MaxFds));
        Assert.True(value($"{ProcessMetrics.GcCollections}{{generation=\"2\"}}") >= gen2);
        Assert.True(value(ProcessMetrics.GcCommitted) >= value($"{ProcessMetrics.GcHeap}{{generation=\"0\"}}"));
        Assert.True(value(ProcessMetrics.GcAllocated) > 0);
        Assert.True(value(ProcessMetrics.CpuSeconds) > 0);
        var started = DateTimeOffset.FromUnixTimeMilliseconds((long)(value(ProcessMetrics.StartTime) * 1000));
        Assert.InRange(started, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void OpenFds_CountsAFileOpenedBetweenScrapes()
    {
        var before = Scrape().Value(ProcessMetrics.OpenFds);
        var files = Enumerable.Range(0, 100).Select(_ => File.OpenRead(typeof(ProcessMetricsTests).Assembly.Location)).ToList();
        try
        {
            // Other tests open and close sockets meanwhile, so 100 held files must show as at least 50 more.
            Assert.True(Scrape().Value(ProcessMetrics.OpenFds) >= before + 50);
        }
        finally
        {
            files.ForEach(f => f.Dispose());
        }
    }
}
