using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Relay.Core.Observability;

/// <summary>
/// The process's own footprint at each scrape: the Prometheus client libraries' standard
/// <c>process_*</c> families (Linkerd2-proxy and ztunnel export the same names, so one dashboard
/// reads all three) and the .NET GC's view, so a growing RSS can be told apart as managed heap
/// (<c>relay_gc_committed_bytes</c>) or native memory (RSS minus that). Read from /proc and
/// <see cref="GC"/> only when scraped; nothing on the data path.
/// </summary>
internal static class ProcessMetrics
{
    public const string ResidentMemory = "process_resident_memory_bytes";
    public const string VirtualMemory = "process_virtual_memory_bytes";
    public const string OpenFds = "process_open_fds";
    public const string MaxFds = "process_max_fds";
    public const string CpuSeconds = "process_cpu_seconds_total";
    public const string StartTime = "process_start_time_seconds";
    public const string GcHeap = "relay_gc_heap_bytes";
    public const string GcCommitted = "relay_gc_committed_bytes";
    public const string GcAllocated = "relay_gc_allocated_bytes_total";
    public const string GcCollections = "relay_gc_collections_total";
    public const string GcPause = "relay_gc_pause_seconds_total";
    public const string GenerationTag = "generation";

    private static readonly KeyValuePair<string, object?>[][] Generations =
        [[new(GenerationTag, "0")], [new(GenerationTag, "1")], [new(GenerationTag, "2")]];

    public static void Register(Meter meter)
    {
        var startTime = new DateTimeOffset(Process.GetCurrentProcess().StartTime).ToUnixTimeMilliseconds() / 1000.0;
        meter.CreateObservableGauge(ResidentMemory, () => ProcStatm.Read().Resident, "By", "Resident set size (VmRSS).");
        meter.CreateObservableGauge(VirtualMemory, () => ProcStatm.Read().Virtual, "By", "Virtual memory size.");
        meter.CreateObservableGauge(OpenFds, CountOpenFds, "{fd}", "Open file descriptors.");
        meter.CreateObservableGauge(MaxFds, MaxOpenFds, "{fd}", "The soft limit on open file descriptors (LimitNOFILE).");
        meter.CreateObservableCounter(CpuSeconds, () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, "s", "User and system CPU time.");
        meter.CreateObservableGauge(StartTime, () => startTime, "s", "Unix time the process started.");
        meter.CreateObservableGauge(GcHeap, HeapSizes, "By", "Managed heap size after the last GC by generation (0, 1, 2, loh, poh), fragmentation included.");
        meter.CreateObservableGauge(GcCommitted, () => GC.GetGCMemoryInfo().TotalCommittedBytes, "By", "Memory the GC has committed: the managed share of RSS.");
        meter.CreateObservableCounter(GcAllocated, () => GC.GetTotalAllocatedBytes(), "By", "Bytes allocated on the managed heap since start.");
        meter.CreateObservableCounter(GcCollections, CollectionCounts, "{collection}", "Garbage collections by generation (a gen-2 collection counts in 0 and 1 too, as GC.CollectionCount does).");
        meter.CreateObservableCounter(GcPause, () => GC.GetTotalPauseDuration().TotalSeconds, "s", "Time the GC paused the process.");
    }

    private static readonly KeyValuePair<string, object?>[][] HeapGenerations =
        [.. Generations, [new(GenerationTag, "loh")], [new(GenerationTag, "poh")]];

    private static Measurement<long>[] HeapSizes()
    {
        var info = GC.GetGCMemoryInfo().GenerationInfo;
        var sizes = new Measurement<long>[Math.Min(info.Length, HeapGenerations.Length)];
        for (var generation = 0; generation < sizes.Length; generation++)
        {
            sizes[generation] = new Measurement<long>(info[generation].SizeAfterBytes, HeapGenerations[generation]);
        }
        return sizes;
    }

    private static IEnumerable<Measurement<long>> CollectionCounts()
    {
        for (var generation = 0; generation < Generations.Length; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation), Generations[generation]);
        }
    }

    private static long CountOpenFds()
    {
        try
        {
            // Enumerating the directory opens one fd of its own; it is not counted.
            return Math.Max(0, Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount() - 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static long MaxOpenFds()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].TrimStart().Split(' ', 2)[0];
                    return long.TryParse(soft, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
