using System.Globalization;

namespace Relay.Bench.Load;

/// <summary>
/// <c>load --profile</c>: one extra rps-c64 pass per target with <c>perf record</c> sampling its proxy
/// processes, read back with <c>perf report --sort dso</c> and turned into CPU per request by group.
/// This is how docs/performance.md splits the Relay and HAProxy mTLS pairs' costs.
/// </summary>
internal static class PerfProfiler
{
    // 499 Hz: enough samples in 4 s at ~10k req/s for ±1 µs/request groups, while perf itself
    // slows the proxies far less than at 2999 Hz (HAProxy's pair lost ~25% of its rate at 2999).
    public const int Hz = 499;

    // perf runs a little longer than wrk so the whole pass is inside the recording.
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    public static async Task<CpuProfile> RecordAsync(IReadOnlyList<int> pids, int port, TimeSpan duration, string dataFile, CancellationToken cancellationToken)
    {
        var recordFor = duration + Lead + Lead;
        var recording = BoundedProcess.RunAsync("perf", ["record", "-F", Hz.ToString(CultureInfo.InvariantCulture), "-p", string.Join(',', pids),
            "-o", dataFile, "--", "sleep", recordFor.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)], recordFor + Margin, "perf record", cancellationToken);
        await Task.Delay(Lead, cancellationToken);
        var load = await WrkRunner.RunAsync(port, Workload.RpsC64.Path, Workload.RpsC64.Connections, duration, connectionClose: false, cancellationToken);
        Check(await recording, "perf record");
        var report = await BoundedProcess.RunAsync("perf", ["report", "-i", dataFile, "--no-children", "--sort", "dso", "-g", "none", "-n", "--stdio"],
            Margin, "perf report", cancellationToken);
        Check(report, "perf report");
        return Summarize(report.Stdout, load.Requests);
    }

    /// <summary>
    /// Parses <c>perf report -n --sort dso</c> rows ("  12.34%   1234  libssl.so.3") into
    /// microseconds per request per group: samples ÷ Hz is CPU seconds.
    /// </summary>
    internal static CpuProfile Summarize(string report, long requests)
    {
        var samples = new Dictionary<string, long>();
        long total = 0;
        foreach (var line in report.Split('\n'))
        {
            var fields = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 3 || !fields[0].EndsWith('%') || !long.TryParse(fields[1], CultureInfo.InvariantCulture, out var count))
            {
                continue;
            }
            var group = DsoGroups.Of(fields[2]);
            samples[group] = samples.GetValueOrDefault(group) + count;
            total += count;
        }
        if (total == 0 || requests == 0)
        {
            throw new InvalidOperationException($"perf recorded no samples of the proxy processes (or wrk completed no requests):\n{report}");
        }
        var micros = samples.ToDictionary(kv => kv.Key, kv => kv.Value * 1e6 / Hz / requests);
        return new CpuProfile(micros, requests, total, Hz);
    }

    private static void Check(ProcessOutput output, string what)
    {
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {output.ExitCode}: {output.Stderr}");
        }
    }
}
