using System.Diagnostics.Metrics;

namespace Relay.Core.Observability;

/// <summary>
/// What the config observable gauges report. Written by the single reload path, read on
/// scrape: one immutable record swapped atomically keeps revision and timestamp consistent.
/// </summary>
internal sealed class ConfigReloadState
{
    private Current? _current;

    public void Loaded(string revision, DateTimeOffset at) =>
        Volatile.Write(ref _current, new Current(revision, at.ToUnixTimeMilliseconds() / 1000.0));

    public void KeepRevision(string revision)
    {
        var previous = Volatile.Read(ref _current);
        if (previous is null || previous.Revision != revision)
        {
            Volatile.Write(ref _current, new Current(revision, previous?.LastSuccessUnixSeconds));
        }
    }

    public IEnumerable<Measurement<long>> ObserveRevision()
    {
        var current = Volatile.Read(ref _current);
        return current is null
            ? []
            : [new Measurement<long>(1, MetricTags.Tag(MetricNames.RevisionTag, current.Revision))];
    }

    public IEnumerable<Measurement<double>> ObserveLastSuccess()
    {
        var current = Volatile.Read(ref _current);
        return current?.LastSuccessUnixSeconds is { } seconds ? [new Measurement<double>(seconds)] : [];
    }

    private sealed record Current(string Revision, double? LastSuccessUnixSeconds);
}
