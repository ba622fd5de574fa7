namespace Relay.Core.Observability;

/// <summary>
/// A quantile from bucket counts, interpolated linearly inside the bucket it falls in: what
/// Prometheus's histogram_quantile does, so the dashboard and PromQL agree on the same buckets.
/// </summary>
internal static class Quantile
{
    /// <param name="counts">Per bucket (not cumulative), one more than <paramref name="bounds"/> (the +Inf bucket).</param>
    /// <returns>Null with no observations; the highest finite bound when the quantile is in +Inf (as Prometheus).</returns>
    public static double? FromBuckets(double q, IReadOnlyList<long> counts, IReadOnlyList<double> bounds)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (seen + counts[i] >= rank && counts[i] > 0)
            {
                if (i == bounds.Count)
                {
                    return bounds[^1];
                }
                var lower = i == 0 ? 0 : bounds[i - 1];
                return lower + ((bounds[i] - lower) * (rank - seen) / counts[i]);
            }
            seen += counts[i];
        }
        return bounds[^1];
    }
}
