namespace Relay.Core.Observability;

/// <summary>
/// One label set of an instrument, stored once per series. Lookups on the recording path use
/// the measurement's tag span directly (<see cref="SeriesKeyComparer"/>), so this is only
/// built, and its label text rendered, when a series is first seen.
/// </summary>
internal readonly struct SeriesKey
{
    public SeriesKey(KeyValuePair<string, object?>[] tags, int hash)
    {
        Tags = tags;
        Hash = hash;
        LabelText = PrometheusText.RenderLabels(tags);
    }

    /// <summary>The tags, sorted by name (ordinal).</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }

    /// <summary>Escaped <c>name="value"</c> pairs joined by commas, without braces; empty for no labels.</summary>
    public string LabelText { get; }
}
