using System.Collections.Concurrent;

namespace Relay.Core.Observability;

/// <summary>
/// The series of one instrument: label set → cell. Lookup is lock-free for existing series;
/// only a new label set allocates (its key and cell). The number of series is capped so a
/// runaway tag value cannot grow memory without bound.
/// </summary>
internal sealed class SeriesStore<TCell>
    where TCell : class
{
    /// <summary>
    /// Relay's own label sets are bounded by enums and configured service names (hundreds);
    /// 2000 leaves room for large meshes while bounding a scrape to a few hundred KB.
    /// </summary>
    public const int MaxSeries = 2000;

    private readonly ConcurrentDictionary<SeriesKey, TCell> _cells = new(SeriesKeyComparer.Instance);
    private readonly ConcurrentDictionary<SeriesKey, TCell>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Func<TCell> _newCell;
    private int _count;

    public SeriesStore(Func<TCell> newCell)
    {
        _newCell = newCell;
        _lookup = _cells.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    /// <summary>The cell for these tags, or null when the series cap is reached.</summary>
    public TCell? Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_lookup.TryGetValue(tags, out var cell))
        {
            return cell;
        }
        return Add(tags);
    }

    public KeyValuePair<SeriesKey, TCell>[] Snapshot()
    {
        var entries = _cells.ToArray();
        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Key.LabelText, b.Key.LabelText));
        return entries;
    }

    /// <summary>Drops every series; observable instruments report afresh on each scrape.</summary>
    public void Clear()
    {
        _cells.Clear();
        Volatile.Write(ref _count, 0);
    }

    private TCell? Add(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Interlocked.Increment(ref _count) > MaxSeries)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        var cell = _newCell();
        if (_lookup.TryAdd(tags, cell))
        {
            return cell;
        }
        // Another thread added the same series first; use its cell.
        Interlocked.Decrement(ref _count);
        return _lookup.TryGetValue(tags, out var existing) ? existing : null;
    }
}
