using System.Globalization;
using System.Text;

namespace Relay.Bench.Load;

/// <summary>The run's tables: absolute figures, ratios, fixed-rate latency, resources, caveats.</summary>
internal static class MarkdownReport
{
    public static string Render(RunInfo info, IReadOnlyList<TargetResult> results)
    {
        var md = new StringBuilder();
        var o = info.Options;
        md.AppendLine(CultureInfo.InvariantCulture, $"# Relay load benchmark, {info.Started:yyyy-MM-dd HH:mm} UTC{info.Started:zzz}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {info.Machine}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Software: {string.Join("; ", info.Versions)}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Mode: {(o.Quick ? "--quick" : "default")}: {o.Repeats} × {o.WrkDuration.TotalSeconds:F0} s per wrk workload (median quoted), {o.Warmup.TotalSeconds:F0} s warm-up; open loop {o.LatencyRate} req/s on {o.LatencyConnections} connections for {o.LatencyDuration.TotalSeconds:F0} s. Took {info.Elapsed.TotalMinutes:F1} min.");
        md.AppendLine();
        Throughput(md, results);
        RatioTable(md, results);
        Latency(md, results);
        Resources(md, results);
        Profile(md, results);
        Notes(md, results);
        return md.ToString();
    }

    /// <summary>With --profile: µs of CPU per request at rps-c64 by where it ran, one column per profiled target.</summary>
    private static void Profile(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        var profiled = results.Where(r => r.Profile is not null).ToList();
        if (profiled.Count == 0)
        {
            return;
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"## CPU per request at rps-c64, by where it ran (perf record -F {PerfProfiler.Hz}, one extra pass; µs)").AppendLine();
        md.AppendLine($"| group | {string.Join(" | ", profiled.Select(r => r.Name))} |");
        md.AppendLine($"|---|{string.Concat(profiled.Select(_ => "---:|"))}");
        foreach (var group in DsoGroups.All.Where(g => profiled.Any(r => r.Profile!.Of(g) >= 0.05)))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {group} | {string.Join(" | ", profiled.Select(r => r.Profile!.Of(group).ToString("F1", CultureInfo.InvariantCulture)))} |");
        }
        md.AppendLine(CultureInfo.InvariantCulture, $"| **total** | {string.Join(" | ", profiled.Select(r => r.Profile!.TotalMicrosPerRequest.ToString("F1", CultureInfo.InvariantCulture)))} |");
        md.AppendLine();
        md.AppendLine("perf slows what it samples, so totals run above the Resources table's; compare groups within one run.");
        md.AppendLine();
    }

    private static void Throughput(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        md.AppendLine("## Throughput (closed loop, wrk)").AppendLine();
        md.AppendLine($"| workload | {string.Join(" | ", results.Select(r => r.Name))} |");
        md.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}");
        foreach (var w in Ran(results))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {w.Name} ({w.Unit}) | {string.Join(" | ", results.Select(r => Figure(r, w.Name)?.ToString("N0", CultureInfo.InvariantCulture) ?? "–"))} |");
        }
        md.AppendLine();
    }

    private static void RatioTable(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        var direct = results.FirstOrDefault(r => r.Name == Ratios.Direct);
        var proxies = results.Where(r => r.Name != Ratios.Direct).ToList();
        var pairs = Ratios.Pairs.Where(p => results.Any(r => r.Name == p.Relay) && results.Any(r => r.Name == p.Haproxy)).ToList();
        md.AppendLine("## Ratios (higher is better; 1.00× = as fast as the reference)").AppendLine();
        md.AppendLine($"| workload | {string.Join(" | ", proxies.Select(p => $"{p.Name} ÷ direct").Concat(pairs.Select(p => $"**{p.Relay} ÷ {p.Haproxy}**")))} |");
        md.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", proxies.Count + pairs.Count))}");
        foreach (var w in Ran(results))
        {
            var cells = proxies.Select(p => Ratios.Format(Ratios.Of(Figure(p, w.Name), direct is null ? null : Figure(direct, w.Name))))
                .Concat(pairs.Select(p => Ratios.Format(Ratios.Of(Figure(Find(results, p.Relay), w.Name), Figure(Find(results, p.Haproxy), w.Name)))));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {w.Name} | {string.Join(" | ", cells)} |");
        }
        md.AppendLine();
    }

    private static void Latency(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        var direct = results.FirstOrDefault(r => r.Name == Ratios.Direct)?.Latency;
        var rate = results.FirstOrDefault(r => r.Latency is not null)?.Latency?.Rate;
        md.AppendLine(CultureInfo.InvariantCulture, $"## Latency at a fixed {rate} req/s (open loop, from scheduled send time; ms)").AppendLine();
        md.AppendLine("| target | p50 | p99 | p99.9 | added p50 | added p99 | added p99.9 | failed | client send-late p99 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results.Where(r => r.Latency is not null))
        {
            var l = r.Latency!;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {l.P50Ms:F3} | {l.P99Ms:F3} | {l.P999Ms:F3} | {Added(l.P50Ms, direct?.P50Ms)} | {Added(l.P99Ms, direct?.P99Ms)} | {Added(l.P999Ms, direct?.P999Ms)} | {l.Failed} | {l.SendLateP99Ms:F3} |");
        }
        md.AppendLine();
    }

    private static void Resources(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        md.AppendLine("## Proxy resources (all processes of the target summed)").AppendLine();
        md.AppendLine("| target | peak RSS (MiB, VmHWM) | CPU s per 1k req at rps-c64 | CPU s per 1k req at the fixed rate |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var r in results.Where(r => r.PeakRssMiB is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.PeakRssMiB:F1} | {r.CpuSecondsPer1kAtC64:F4} | {r.CpuSecondsPer1kAtFixedRate:F4} |");
        }
        md.AppendLine();
        md.AppendLine("CPU seconds per 1k requests at the fixed rate equals vCPU used per 1k req/s (the unit of published mesh figures).");
        md.AppendLine();
        md.AppendLine("### RSS per process (MiB; the largest process of the target, e.g. one Relay of the pair)").AppendLine();
        md.AppendLine("| target | idle, after start | peak during rps-c64 | peak during the fixed rate |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var r in results.Where(r => r.Memory is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Memory!.IdleMiB:F1} | {r.Memory.AtC64MiB:F1} | {r.Memory.AtFixedRateMiB:F1} |");
        }
        md.AppendLine();
    }

    private static void Notes(StringBuilder md, IReadOnlyList<TargetResult> results)
    {
        var notes = results.SelectMany(r => r.Notes.Select(n => $"{r.Name}: {n}"))
            .Concat(results.SelectMany(r => r.Workloads.Where(w => w.Value.Errors > 0)
                .Select(w => $"{r.Name} {w.Key}: the load generator (wrk or h2load) reported {w.Value.Errors} errors beside {w.Value.Requests} good requests")))
            .ToList();
        if (notes.Count == 0)
        {
            return;
        }
        md.AppendLine("## Caveats").AppendLine();
        notes.ForEach(n => md.AppendLine(CultureInfo.InvariantCulture, $"- {n}"));
        md.AppendLine();
    }

    /// <summary>The workloads at least one target ran, in report order (L4 targets run no h2 workload, L7 targets no bulk).</summary>
    private static IEnumerable<Workload> Ran(IReadOnlyList<TargetResult> results) =>
        Workload.All.Where(w => results.Any(r => r.Workloads.ContainsKey(w.Name)));

    private static string Added(double value, double? baseline) => baseline is { } b ? $"{value - b:+0.000;-0.000}" : "–";

    private static TargetResult? Find(IReadOnlyList<TargetResult> results, string name) => results.FirstOrDefault(r => r.Name == name);

    internal static double? Figure(TargetResult? result, string workload) =>
        result is not null && result.Workloads.TryGetValue(workload, out var figure) ? figure.Median : null;
}
