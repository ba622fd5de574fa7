namespace Relay.Bench.Load;

/// <summary>One wrk run, parsed: throughput, transfer rate, closed-loop latency percentiles, errors.</summary>
internal sealed record WrkResult(
    double RequestsPerSecond,
    double BytesPerSecond,
    long Requests,
    double? P50Ms,
    double? P99Ms,
    long SocketErrors,
    long Non2xx)
{
    public long Errors => SocketErrors + Non2xx;
}
