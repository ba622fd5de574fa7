namespace Relay.Bench.Load;

/// <summary>
/// One closed-loop workload: what to fetch, over how many connections (and, for h2load, how many
/// concurrent streams on each), and what figure it yields.
/// </summary>
internal sealed record Workload(string Name, string Path, int Connections, bool ConnectionClose, bool Bulk, string Meaning, int H2Streams = 0)
{
    /// <summary>Driven by h2load over h2c (prior knowledge) instead of wrk's HTTP/1.1.</summary>
    public bool IsH2 => H2Streams > 0;

    public string Unit => Bulk ? "MiB/s" : ConnectionClose ? "conn/s" : "req/s";

    public double Figure(WrkResult result) => Bulk ? result.BytesPerSecond / (1024 * 1024) : result.RequestsPerSecond;

    /// <summary>Every workload, in run and report order (matching bench/peers/run.sh where they overlap).</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("rps-c1", "/", 1, false, false, "requests/s, 1 keep-alive connection, 1 KiB responses (per-request latency bound)"),
        new("rps-c64", "/", 64, false, false, "requests/s, 64 keep-alive connections, 1 KiB responses (throughput)"),
        // One h2c connection carrying 64 concurrent streams: the multiplexed path, with as many
        // requests in flight as rps-c64.
        new("h2-m64", "/", 1, false, false, "requests/s over HTTP/2 (h2c), 1 connection × 64 concurrent streams, 1 KiB responses", H2Streams: 64),
        new("newconn-c16", "/", 16, true, false, "new connections/s: one request per connection (Connection: close), 16 at a time"),
        new("bulk-c1", "/big", 1, false, true, "MiB/s downloading 1 MiB bodies on 1 connection"),
        new("bulk-c4", "/big", 4, false, true, "MiB/s downloading 1 MiB bodies on 4 connections"),
    ];

    /// <summary>The L4 targets' workloads: bytes, not requests, so no HTTP/2 (their upstream is HTTP/1.1 only).</summary>
    public static IReadOnlyList<Workload> L4 { get; } = [.. All.Where(w => !w.IsH2)];

    /// <summary>The L7 targets' workloads (issue 12): keep-alive requests/s at 1 and 64 connections, and HTTP/2.</summary>
    public static IReadOnlyList<Workload> L7 { get; } = [.. All.Where(w => w.Name is "rps-c1" or "rps-c64" || w.IsH2)];

    /// <summary>The keep-alive throughput workload, which <c>--profile</c> repeats under perf.</summary>
    public static Workload RpsC64 { get; } = All.Single(w => w.Name == "rps-c64");

    public static Workload Warmup { get; } = new("warmup", "/", 64, false, false, "JIT and connection warm-up, not reported");
}
