namespace Relay.Bench.Load;

/// <summary>
/// Per-workload peak RSS without losing the whole-run peak: each <see cref="StartWindow"/> keeps
/// the peak so far, then resets VmHWM (<see cref="ProcStats.ResetPeakRss"/>).
/// </summary>
internal sealed class PeakRssWindows(IReadOnlyList<int> pids)
{
    private readonly Dictionary<int, long> _lifePeak = pids.ToDictionary(pid => pid, _ => 0L);

    public void StartWindow()
    {
        foreach (var pid in pids)
        {
            _lifePeak[pid] = Math.Max(_lifePeak[pid], ProcStats.PeakRssBytes(pid) ?? 0);
            ProcStats.ResetPeakRss(pid);
        }
    }

    /// <summary>Peak of the largest single process since the last <see cref="StartWindow"/>, MiB.</summary>
    public double WindowLargestMiB() => pids.Count == 0 ? 0 : pids.Max(pid => ProcStats.PeakRssBytes(pid) ?? 0) / (1024d * 1024);

    /// <summary>Whole-run peak of every process, summed (the VmHWM figure the report always gave), MiB.</summary>
    public double LifeSumMiB() => pids.Sum(pid => Math.Max(_lifePeak[pid], ProcStats.PeakRssBytes(pid) ?? 0)) / (1024d * 1024);
}
