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
        var parsed = new ScenarioArgs(args, ["--quick", "--skip-haproxy", "--profile"], "--out", "--relay", "--targets");
        error = parsed.Errors.Count > 0 ? string.Join("; ", parsed.Errors) : null;
        var quick = parsed.Flag("--quick");
        var outDir = parsed.Text("--out") ?? Path.Combine("results", DateTime.Now.ToString("yyyyMMdd-HHmmss"));
        // Quick: one 2 s pass per workload (proves the runner works; not for judging speed).
        // Default: 15 s warm-up (3 s of each workload), then 3 passes of 4 s each, medians quoted,
        // 15 s at the fixed rate (15k latency samples).
        var targets = parsed.Text("--targets")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var options = quick
            ? new LoadOptions(true, outDir, parsed.Text("--relay"), parsed.Flag("--skip-haproxy"),
                TimeSpan.FromSeconds(2), 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), FixedRate, FixedRateConnections)
            : new LoadOptions(false, outDir, parsed.Text("--relay"), parsed.Flag("--skip-haproxy"),
                TimeSpan.FromSeconds(4), 3, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), FixedRate, FixedRateConnections);
        return options with { Targets = targets, Profile = parsed.Flag("--profile") };
    }

    /// <summary>The names in <c>--targets</c> that this run has no target for (a typo, or HAProxy's without HAProxy).</summary>
    public IReadOnlyList<string> UnknownTargets(IEnumerable<string> available) =>
        Targets is null ? [] : [.. Targets.Except(available, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
