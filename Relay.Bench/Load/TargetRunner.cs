namespace Relay.Bench.Load;

/// <summary>Starts one target, runs every workload through it, reads its processes' resources, stops it.</summary>
internal sealed class TargetRunner(LoadOptions options, ProcessGroup processes, TextWriter progress)
{
    public async Task<TargetResult> MeasureAsync(Target target, CancellationToken cancellationToken)
    {
        progress.WriteLine($"== {target.Name}: {target.Description} (127.0.0.1:{target.Port})");
        var started = await target.StartAsync(cancellationToken);
        try
        {
            var pids = started.Select(p => p.Id).ToList();
            var idle = pids.Count == 0 ? 0 : pids.Max(pid => ProcStats.RssBytes(pid) ?? 0) / (1024d * 1024);
            var peaks = new PeakRssWindows(pids);
            await WarmUpAsync(target, cancellationToken);
            var (figures, cpuAtC64, rssAtC64) = await RunWorkloadsAsync(target, pids, peaks, cancellationToken);
            var profile = options.Profile && pids.Count > 0 ? await ProfileAsync(target, pids, cancellationToken) : null;
            var cpuBefore = Cpu(pids);
            peaks.StartWindow();
            var latency = await new OpenLoopClient(target.Port, options.LatencyRate, options.LatencyConnections, options.LatencyDuration).RunAsync(cancellationToken);
            var rssAtRate = peaks.WindowLargestMiB();
            progress.WriteLine($"   latency @{latency.Rate}/s: p50 {latency.P50Ms:F3} ms, p99 {latency.P99Ms:F3} ms, p99.9 {latency.P999Ms:F3} ms ({latency.Completed} ok, {latency.Failed} failed)");
            var cpuAtRate = PerThousand(Cpu(pids) - cpuBefore, latency.Completed);
            var rss = pids.Count == 0 ? (double?)null : peaks.LifeSumMiB();
            var notes = target.Caveat?.Invoke() is { } caveat ? new List<string> { caveat } : [];
            return new TargetResult(target.Name, target.Description, figures, latency, rss,
                pids.Count == 0 ? null : cpuAtC64, pids.Count == 0 ? null : cpuAtRate, notes)
            {
                Profile = profile,
                Memory = pids.Count == 0 ? null : new ProcessMemory(idle, rssAtC64, rssAtRate),
            };
        }
        finally
        {
            processes.Stop(started);
        }
    }

    /// <summary>
    /// Every workload once, unreported, so each code path (keep-alive, accept and connect, bulk) has
    /// been through tiered JIT before it is measured. A fresh Relay pair's rps-c64 rose from ~6.5k
    /// to ~10k req/s over its first ~10 s of load while the JIT still took ~10% of its CPU (0.2%
    /// afterwards; docs/benchmarks.md, "Why a 15 s warm-up of every workload"). A daemon runs for days, so steady state is the
    /// figure users get. Quick mode only proves the runner works: one short keep-alive pass.
    /// </summary>
    private async Task WarmUpAsync(Target target, CancellationToken cancellationToken)
    {
        IReadOnlyList<Workload> workloads = options.Quick ? [Workload.Warmup] : target.Workloads;
        var each = options.Warmup / workloads.Count;
        foreach (var workload in workloads)
        {
            await RunAsync(target, workload, each, cancellationToken);
        }
    }

    private async Task<(Dictionary<string, WorkloadFigure> Figures, double CpuAtC64, double RssAtC64)> RunWorkloadsAsync(Target target, List<int> pids, PeakRssWindows peaks, CancellationToken cancellationToken)
    {
        var passes = target.Workloads.ToDictionary(w => w.Name, _ => new List<WrkResult>());
        var cpuAtC64 = new List<double>();
        var rssAtC64 = 0d;
        for (var pass = 0; pass < options.Repeats; pass++)
        {
            foreach (var workload in target.Workloads)
            {
                var cpuBefore = Cpu(pids);
                peaks.StartWindow();
                var result = await RunAsync(target, workload, options.WrkDuration, cancellationToken);
                if (workload.Name == "rps-c64")
                {
                    cpuAtC64.Add(PerThousand(Cpu(pids) - cpuBefore, result.Requests));
                    rssAtC64 = Math.Max(rssAtC64, peaks.WindowLargestMiB());
                }
                passes[workload.Name].Add(result);
                progress.WriteLine($"   {workload.Name,-12} pass {pass + 1}: {workload.Figure(result),10:F1} {workload.Unit}{(result.Errors > 0 ? $" ({result.Errors} errors)" : "")}");
            }
        }
        var figures = target.Workloads.ToDictionary(w => w.Name, w => new WorkloadFigure(
            Percentiles.Median(passes[w.Name].Select(w.Figure)), [.. passes[w.Name].Select(w.Figure)],
            passes[w.Name].Sum(r => r.Errors), passes[w.Name].Sum(r => r.Requests)));
        return (figures, Percentiles.Median(cpuAtC64), rssAtC64);
    }

    private async Task<CpuProfile> ProfileAsync(Target target, List<int> pids, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.OutDir);
        var data = Path.Combine(options.OutDir, $"perf-{target.Name}.data");
        var profile = await PerfProfiler.RecordAsync(pids, target.Port, options.WrkDuration, data, cancellationToken);
        progress.WriteLine($"   profile rps-c64: {profile.TotalMicrosPerRequest:F1} µs CPU/request ({string.Join(", ",
            DsoGroups.All.Where(g => profile.Of(g) >= 0.05).Select(g => $"{g} {profile.Of(g):F1}"))}); {data}");
        return profile;
    }

    private static Task<WrkResult> RunAsync(Target target, Workload workload, TimeSpan duration, CancellationToken cancellationToken) =>
        workload.IsH2
            ? H2loadRunner.RunAsync(target.PortFor(workload), workload, duration, cancellationToken)
            : WrkRunner.RunAsync(target.Port, workload.Path, workload.Connections, duration, workload.ConnectionClose, cancellationToken);

    private static double Cpu(List<int> pids) => pids.Sum(pid => ProcStats.CpuSeconds(pid) ?? 0);

    private static double PerThousand(double cpuSeconds, long requests) => requests == 0 ? 0 : cpuSeconds / requests * 1000;
}
