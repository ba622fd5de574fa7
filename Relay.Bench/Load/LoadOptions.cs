namespace Relay.Bench.Load;

/// <summary>What one <c>load</c> run measures and for how long. Defaults fit a full run in under 10 minutes.</summary>
internal sealed record LoadOptions(
    bool Quick,
    string OutDir,
    string? Relay,
    bool SkipHaproxy,
    TimeSpan WrkDuration,
    int Repeats,
    TimeSpan Warmup,
    TimeSpan LatencyDuration,
    int LatencyRate,
    int LatencyConnections)
{
    /// <summary>Only these targets (by name, e.g. direct,relay-l4); null = all. For A/B experiments.</summary>
    public IReadOnlySet<string>? Targets { get; init; }

    /// <summary>After the workloads, one more rps-c64 pass under <c>perf record</c> (<see cref="PerfProfiler"/>).</summary>
    public bool Profile { get; init; }

    // 1k rps is the rate published mesh latency figures use (Istio's 1 KiB / 1k rps anchor).
    private const int FixedRate = 1000;

    // 8 keep-alive connections at 125 requests/s each: a steady, far-from-saturation load.
    private const int FixedRateConnections = 8;

    public static LoadOptions Parse(string[] args, out string? error)
    {
        error = null;
        var quick = args.Contains("--quick");
        var outDir = ValueOf(args, "--out") ?? Path.Combine("results", DateTime.Now.ToString("yyyyMMdd-HHmmss"));
        var unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal)
            && a is not ("--quick" or "--out" or "--relay" or "--skip-haproxy" or "--targets" or "--profile")).ToList();
        if (unknown.Count > 0)
        {
            error = $"unknown option(s): {string.Join(", ", unknown)}";
        }
        // Quick: one 2 s pass per workload (proves the runner works; not for judging speed).
        // Default: 15 s warm-up (3 s of each workload), then 3 passes of 4 s each, medians quoted,
        // 15 s at the fixed rate (15k latency samples).
        var targets = ValueOf(args, "--targets")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var options = quick
            ? new LoadOptions(true, outDir, ValueOf(args, "--relay"), args.Contains("--skip-haproxy"),
                TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), FixedRate, FixedRateConnections)
            : new LoadOptions(false, outDir, ValueOf(args, "--relay"), args.Contains("--skip-haproxy"),
                TimeSpan.FromSeconds(4), 3, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), FixedRate, FixedRateConnections);
        return options with { Targets = targets, Profile = args.Contains("--profile") };
    }

    private static string? ValueOf(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
