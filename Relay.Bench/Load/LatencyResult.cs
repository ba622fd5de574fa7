namespace Relay.Bench.Load;

/// <summary>
/// Open-loop latency at a fixed rate: percentiles measured from each request's scheduled send
/// time, plus how late the client itself sent (its own precision, shared by every target).
/// </summary>
internal sealed record LatencyResult(
    int Rate,
    long Completed,
    long Failed,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double SendLateP99Ms);
