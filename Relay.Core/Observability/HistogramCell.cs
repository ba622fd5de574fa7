namespace Relay.Core.Observability;

/// <summary>
/// One histogram series: a count per bucket (non-cumulative; made cumulative on scrape) and
/// the sum. The total count is derived from the buckets so _count always equals the +Inf bucket.
/// </summary>
internal sealed class HistogramCell
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private double _sum;

    public HistogramCell(double[] bounds)
    {
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    public void Record(double value)
    {
        Interlocked.Increment(ref _counts[BucketIndex(value)]);
        AtomicDouble.Add(ref _sum, value);
    }

    public double Sum => Volatile.Read(ref _sum);

    /// <summary>Cumulative counts per bound; the last entry (index bounds.Length) is +Inf.</summary>
    public long[] CumulativeCounts()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return cumulative;
    }

    // Prometheus buckets are "less than or equal": the first bound >= value. Bounds are few
    // (under 20), where a linear scan is as fast as binary search and simpler. NaN lands in +Inf.
    private int BucketIndex(double value)
    {
        for (var i = 0; i < _bounds.Length; i++)
        {
            if (value <= _bounds[i])
            {
                return i;
            }
        }
        return _bounds.Length;
    }
}
