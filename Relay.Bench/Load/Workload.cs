namespace Relay.Bench.Load;

/// <summary>One closed-loop wrk workload: what to fetch, over how many connections, and what figure it yields.</summary>
internal sealed record Workload(string Name, string Path, int Connections, bool ConnectionClose, bool Bulk, string Meaning)
{
    public string Unit => Bulk ? "MiB/s" : ConnectionClose ? "conn/s" : "req/s";

    public double Figure(WrkResult result) => Bulk ? result.BytesPerSecond / (1024 * 1024) : result.RequestsPerSecond;

    /// <summary>The wrk workloads, in run order (matching bench/peers/run.sh where they overlap).</summary>
    public static IReadOnlyList<Workload> All { get; } =
    [
        new("rps-c1", "/", 1, false, false, "requests/s, 1 keep-alive connection, 1 KiB responses (per-request latency bound)"),
        new("rps-c64", "/", 64, false, false, "requests/s, 64 keep-alive connections, 1 KiB responses (throughput)"),
        new("newconn-c16", "/", 16, true, false, "new connections/s: one request per connection (Connection: close), 16 at a time"),
        new("bulk-c1", "/big", 1, false, true, "MiB/s downloading 1 MiB bodies on 1 connection"),
        new("bulk-c4", "/big", 4, false, true, "MiB/s downloading 1 MiB bodies on 4 connections"),
    ];

    /// <summary>The keep-alive throughput workload, which <c>--profile</c> repeats under perf.</summary>
    public static Workload RpsC64 { get; } = All.Single(w => w.Name == "rps-c64");

    public static Workload Warmup { get; } = new("warmup", "/", 64, false, false, "JIT and connection warm-up, not reported");
}
