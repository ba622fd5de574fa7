using System.Diagnostics.Metrics;

namespace Relay.Core.Observability;

/// <summary>Maps a published instrument to its Prometheus type and aggregation.</summary>
internal static class InstrumentStateFactory
{
    private static readonly Type[] IntegerTypes = [typeof(byte), typeof(short), typeof(int), typeof(long)];
    private static readonly Type[] FloatTypes = [typeof(float), typeof(double), typeof(decimal)];

    /// <summary>Null for instrument shapes this exporter does not know (nothing is exported for them).</summary>
    public static InstrumentState? Create(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }
        var valueType = type.GetGenericArguments()[0];
        var isInteger = IntegerTypes.Contains(valueType);
        if (!isInteger && !FloatTypes.Contains(valueType))
        {
            return null;
        }
        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Histogram<>))
        {
            return new HistogramState(instrument, PrometheusText.SanitizeMetricName(instrument.Name), Bounds(instrument));
        }
        return SumShape(definition) is var (kind, sets)
            ? new SumState(instrument, FamilyName(instrument.Name, kind), kind, isInteger, sets)
            : null;
    }

    private static (MetricKind Kind, bool Sets)? SumShape(Type definition) => definition switch
    {
        _ when definition == typeof(Counter<>) => (MetricKind.Counter, false),
        _ when definition == typeof(ObservableCounter<>) => (MetricKind.Counter, true),
        _ when definition == typeof(UpDownCounter<>) => (MetricKind.Gauge, false),
        _ when definition == typeof(ObservableUpDownCounter<>) => (MetricKind.Gauge, true),
        _ when definition == typeof(Gauge<>) => (MetricKind.Gauge, true),
        _ when definition == typeof(ObservableGauge<>) => (MetricKind.Gauge, true),
        _ => null,
    };

    // Prometheus names counters with a _total suffix; Relay's names already carry it.
    private static string FamilyName(string instrumentName, MetricKind kind)
    {
        var name = PrometheusText.SanitizeMetricName(instrumentName);
        return kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    private static double[] Bounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            _ => null,
        };
        // Exposition requires strictly increasing finite bounds; +Inf is always added on output.
        var bounds = (advised ?? MetricBuckets.Default).Where(double.IsFinite).Distinct().Order().ToArray();
        return bounds;
    }
}
