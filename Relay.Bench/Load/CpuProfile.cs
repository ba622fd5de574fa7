namespace Relay.Bench.Load;

/// <summary>
/// Where a target's proxy processes spent their CPU during one rps-c64 pass under <c>perf record</c>:
/// microseconds of CPU per request for each <see cref="DsoGroups"/> group, from sample counts.
/// </summary>
internal sealed record CpuProfile(IReadOnlyDictionary<string, double> MicrosPerRequest, long Requests, long Samples, int Hz)
{
    public double TotalMicrosPerRequest => MicrosPerRequest.Values.Sum();

    public double Of(string group) => MicrosPerRequest.TryGetValue(group, out var micros) ? micros : 0;
}
