using System.Diagnostics.Metrics;
using System.Text;

namespace Relay.Core.Observability;

/// <summary>
/// The aggregation of one instrument, passed as the listener's per-instrument state so a
/// measurement reaches its series without any lookup by instrument.
/// </summary>
internal abstract class InstrumentState(Instrument instrument, string name, MetricKind kind)
{
    public Instrument Instrument { get; } = instrument;

    /// <summary>The exported family name (sanitised, with _total for counters).</summary>
    public string Name { get; } = name;

    public MetricKind Kind { get; } = kind;

    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Called before observable callbacks run, so series they stop reporting disappear.</summary>
    public abstract void BeginCollect();

    public void Write(StringBuilder output)
    {
        if (!string.IsNullOrEmpty(Instrument.Description))
        {
            output.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(Instrument.Description)).Append('\n');
        }
        output.Append("# TYPE ").Append(Name).Append(' ').Append(TypeName).Append('\n');
        WriteSamples(output);
    }

    protected abstract void WriteSamples(StringBuilder output);

    private string TypeName => Kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };
}
