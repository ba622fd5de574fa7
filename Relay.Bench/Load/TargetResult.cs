namespace Relay.Bench.Load;

/// <summary>Everything measured through one target: medians of the wrk passes, the fixed-rate latency, resources.</summary>
internal sealed record TargetResult(
    string Name,
    string Description,
    IReadOnlyDictionary<string, WorkloadFigure> Workloads,
    LatencyResult? Latency,
    double? PeakRssMiB,
    double? CpuSecondsPer1kAtC64,
    double? CpuSecondsPer1kAtFixedRate,
    IReadOnlyList<string> Notes)
{
    /// <summary>CPU per request by where it ran, with <c>--profile</c> and for targets with proxy processes.</summary>
    public CpuProfile? Profile { get; init; }
}

/// <summary>A workload's median figure over the passes, with the passes themselves and wrk's error count.</summary>
internal sealed record WorkloadFigure(double Median, IReadOnlyList<double> Passes, long Errors, long Requests);
