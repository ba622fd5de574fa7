namespace Relay.Core.Observability;

/// <summary>Histogram bucket upper bounds (seconds), passed to instruments as advice.</summary>
internal static class MetricBuckets
{
    /// <summary>
    /// Connection lifetimes run from a refused connect (~1 ms) to long-lived streams capped by
    /// the 1 h default idle timeout; a 1-2.5-5 ladder per decade keeps the bucket count (19) and
    /// so the series count per direction modest while still separating ms, s, min and h.
    /// </summary>
    public static readonly IReadOnlyList<double> ConnectionDuration =
    [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
        1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600,
    ];

    /// <summary>
    /// TCP (+ later TLS) connects: ~0.1 ms on loopback, ms within a data centre, up to the 2 s
    /// default connect timeout; 10 s covers a raised timeout.
    /// </summary>
    public static readonly IReadOnlyList<double> UpstreamConnect =
    [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ];

    /// <summary>
    /// HTTP requests through Relay: sub-millisecond on loopback, tens of ms for typical services,
    /// up to long polls; the 1-2.5-5 ladder from 0.5 ms to 60 s (16 buckets) separates each decade.
    /// </summary>
    public static readonly IReadOnlyList<double> RequestDuration =
    [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ];

    /// <summary>
    /// Used for histograms from other meters that give no advice: OpenTelemetry's default
    /// explicit bucket boundaries (metrics SDK spec), so foreign instruments look familiar.
    /// </summary>
    public static readonly double[] Default = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];
}
