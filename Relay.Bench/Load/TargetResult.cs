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

    /// <summary>Per-process RSS at the moments the memory targets name; null for targets without proxy processes.</summary>
    public ProcessMemory? Memory { get; init; }
}

/// <summary>
/// RSS of the target's largest single process (one Relay of the pair, not the sum), in MiB:
/// right after start (idle), peak during the rps-c64 passes, peak during the fixed-rate run.
/// </summary>
internal sealed record ProcessMemory(double IdleMiB, double AtC64MiB, double AtFixedRateMiB);

/// <summary>A workload's median figure over the passes, with the passes themselves and wrk's error count.</summary>
internal sealed record WorkloadFigure(double Median, IReadOnlyList<double> Passes, long Errors, long Requests);
