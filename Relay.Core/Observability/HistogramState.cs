using System.Diagnostics.Metrics;
using System.Text;

namespace Relay.Core.Observability;

/// <summary>A histogram: cumulative <c>_bucket</c> series with <c>le</c>, then <c>_sum</c> and <c>_count</c>.</summary>
internal sealed class HistogramState : InstrumentState
{
    private readonly double[] _bounds;
    private readonly string[] _boundLabels;
    private readonly SeriesStore<HistogramCell> _series;

    public HistogramState(Instrument instrument, string name, double[] bounds)
        : base(instrument, name, MetricKind.Histogram)
    {
        _bounds = bounds;
        _boundLabels = [.. bounds.Select(PrometheusText.FormatDouble), "+Inf"];
        _series = new SeriesStore<HistogramCell>(() => new HistogramCell(_bounds));
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Get(tags)?.Record(value);

    // Histograms are synchronous only; nothing is re-collected.
    public override void BeginCollect()
    {
    }

    protected override void WriteSamples(StringBuilder output)
    {
        foreach (var (key, cell) in _series.Snapshot())
        {
            var counts = cell.CumulativeCounts();
            var separator = key.LabelText.Length > 0 ? "," : "";
            for (var i = 0; i < counts.Length; i++)
            {
                output.Append(Name).Append("_bucket{").Append(key.LabelText).Append(separator)
                    .Append("le=\"").Append(_boundLabels[i]).Append("\"} ").Append(counts[i]).Append('\n');
            }
            var labels = key.LabelText.Length > 0 ? "{" + key.LabelText + "}" : "";
            output.Append(Name).Append("_sum").Append(labels).Append(' ').AppendDouble(cell.Sum).Append('\n');
            output.Append(Name).Append("_count").Append(labels).Append(' ').Append(counts[^1]).Append('\n');
        }
    }
}
