using System.Collections.Concurrent;
using Relay.Core.Vocabulary;

namespace Relay.Core.Observability;

/// <summary>
/// The busiest request paths for <c>relay top</c>, bounded: at most <see cref="Capacity"/> paths are
/// counted; when full, a new path replaces the least-requested one (space-saving, Metwally et al.
/// 2005, the usual bounded heavy-hitters count), so a flood of distinct paths costs a fixed table.
/// Paths only live here and in the access log, never in metric labels.
/// </summary>
internal sealed class TopPaths
{
    /// <summary>Enough for the top-20 view `relay top` shows to be stable under churn (10x what it lists).</summary>
    public const int Capacity = 200;

    /// <summary>Longer paths are cut: a path is shown, not replayed.</summary>
    private const int MaxPathLength = 256;

    private readonly ConcurrentDictionary<(Direction, string, string, string), Cell> _cells = new();

    public void Record(Direction direction, string service, string method, string path, bool failed)
    {
        var key = (direction, service, method, path.Length > MaxPathLength ? path[..MaxPathLength] : path);
        if (!_cells.TryGetValue(key, out var cell))
        {
            if (_cells.Count >= Capacity)
            {
                lock (_cells)
                {
                    if (_cells.Count >= Capacity)
                    {
                        var min = _cells.MinBy(c => Volatile.Read(ref c.Value.Requests));
                        _cells.TryRemove(min.Key, out _);
                        // Space-saving: the newcomer inherits the evicted count as its error bound.
                        cell = _cells.GetOrAdd(key, _ => new Cell { Requests = Volatile.Read(ref min.Value.Requests) });
                    }
                }
            }
            cell ??= _cells.GetOrAdd(key, static _ => new Cell());
        }
        Interlocked.Increment(ref cell.Requests);
        if (failed)
        {
            Interlocked.Increment(ref cell.Failures);
        }
    }

    public List<PathView> View() =>
        [.. _cells.OrderByDescending(c => Volatile.Read(ref c.Value.Requests))
            .Select(c => new PathView(c.Key.Item1.Label(), c.Key.Item2, c.Key.Item3, c.Key.Item4, Volatile.Read(ref c.Value.Requests), Volatile.Read(ref c.Value.Failures)))];

    private sealed class Cell
    {
        public long Requests;
        public long Failures;
    }
}
