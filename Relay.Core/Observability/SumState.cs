using System.Diagnostics.Metrics;
using System.Text;

namespace Relay.Core.Observability;

/// <summary>
/// Counters, up-down counters and gauges: one number per series. Synchronous counters add;
/// observable instruments and synchronous gauges report the current value, so they set.
/// </summary>
internal sealed class SumState(Instrument instrument, string name, MetricKind kind, bool isInteger, bool sets)
    : InstrumentState(instrument, name, kind)
{
    private readonly SeriesStore<SumCell> _series = new(static () => new SumCell());

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _series.Get(tags);
        if (sets)
        {
            cell?.Set(value);
        }
        else
        {
            cell?.Add(value);
        }
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _series.Get(tags);
        if (sets)
        {
            cell?.Set(value);
        }
        else
        {
            cell?.Add(value);
        }
    }

    public override void BeginCollect()
    {
        if (Instrument.IsObservable)
        {
            _series.Clear();
        }
    }

    protected override void WriteSamples(StringBuilder output)
    {
        foreach (var (key, cell) in _series.Snapshot())
        {
            output.Append(Name);
            if (key.LabelText.Length > 0)
            {
                output.Append('{').Append(key.LabelText).Append('}');
            }
            output.Append(' ');
            if (isInteger)
            {
                output.Append(cell.LongValue);
            }
            else
            {
                output.AppendDouble(cell.DoubleValue);
            }
            output.Append('\n');
        }
    }
}
