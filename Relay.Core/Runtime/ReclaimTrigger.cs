namespace Relay.Core.Runtime;

/// <summary>
/// When to give memory back, from one sample a second (<see cref="MemoryReclaimer"/>). Two causes:
/// <list type="bullet">
/// <item>a burst of connections is over: the live count has fallen by at least <see cref="MinDrop"/>
/// from its peak, to a quarter of it or less, and stayed there for <see cref="Settle"/>;</item>
/// <item>resident memory is at least <see cref="MinGrowth"/> above the lowest it was since the last
/// reclaim (or the start), and for <see cref="Settle"/> the managed heap has allocated less than
/// <see cref="QuietBytesPerSecond"/> a second and the process has used less than
/// <see cref="QuietCpuShare"/> of one core: load grew the heap and has stopped. Both, because
/// L4 traffic allocates almost nothing (8 MiB in all, start-up included, after 172,000 requests at
/// 64 connections, 2026-12-04) yet is load: a full GC then would
/// pause live connections. Keep-alive HTTP load does this without any connection churn (docs/performance.md).</item>
/// </list>
/// At most one reclaim per <c>minInterval</c> for either cause. Pure arithmetic on the samples it is
/// given, so it is unit-tested without a clock.
/// </summary>
internal sealed class ReclaimTrigger(int minDrop, TimeSpan settle, TimeSpan minInterval, long minGrowth, long quietBytesPerSecond, double quietCpuShare)
{
    // 1,000 connections: a flood of stalled mesh handshakes left ~47 KiB per connection behind
    // (10,000 of them: 31 → 498 MiB, bench/hostile/memory_after_flood.py), so a burst this size
    // leaves ~45 MiB, worth the few milliseconds of one full GC and malloc_trim; ordinary churn
    // of a busy host (hundreds of connections coming and going) never reaches it.
    public const int DefaultMinDrop = 1_000;

    // 16 MiB: one L7 hop that served 64 keep-alive connections for 3 s kept +16 MiB (32 → 48 MiB),
    // one that served 300 kept +60-100 MiB, with no GC to give it back while idle; an L4 hop under
    // the same load grows ~1.5 MiB, so it never reaches this (docs/performance.md, "After load").
    public const long DefaultMinGrowth = 16L << 20;

    // 1 MiB/s: ~190 L7 requests a second at the ~5.5 KiB each allocates (relay_gc_allocated_bytes_total);
    // the admin scrapes, health checks and trickle traffic of an idle host stay far below it, while
    // load that would refill the heap at once stays above it.
    public const long DefaultQuietBytesPerSecond = 1L << 20;

    // 2% of one core: an idle Relay used 0.2% (40 ms of CPU in 20 s, L4 and L7 configs, NativeAOT,
    // 2026-12-04), while one L4 hop at the load runner's fixed 1k req/s uses ~7% (0.067 CPU s per
    // 1k requests) and at 64 connections a whole core, with well under 1 MiB/s allocated.
    public const double DefaultQuietCpuShare = 0.02;

    // 5 s: the burst is over (a flood's handshakes end at limits.inbound_handshake_timeout, 3 s),
    // so the reclaim does not run while it is still arriving.
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(5);

    // At most one reclaim per 30 s: a flood that comes in waves pays one full GC per wave, not one per second.
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromSeconds(30);

    private const long Never = long.MinValue / 2;
    private int _peak;
    private long _lowSinceMs = Never;
    private long _lastReclaimMs = Never;
    private long _floor = long.MaxValue;
    private long _quietSinceMs = Never;
    private ReclaimSample? _previous;

    public int MinDrop { get; } = minDrop;

    public TimeSpan Settle { get; } = settle;

    public long MinGrowth { get; } = minGrowth;

    public long QuietBytesPerSecond { get; } = quietBytesPerSecond;

    public double QuietCpuShare { get; } = quietCpuShare;

    public static ReclaimTrigger Default() =>
        new(DefaultMinDrop, DefaultSettle, DefaultMinInterval, DefaultMinGrowth, DefaultQuietBytesPerSecond, DefaultQuietCpuShare);

    /// <summary>The peak the next drop is measured from (the live count at the last reclaim, or since start).</summary>
    public int Peak => _peak;

    /// <summary>The lowest resident size since the last reclaim (or the start): what growth is measured from.</summary>
    public long Floor => _floor;

    /// <summary>One sample; the cause when a reclaim should run now, else <see cref="ReclaimCause.None"/>.</summary>
    public ReclaimCause Observe(ReclaimSample sample)
    {
        var burstEnded = BurstSettled(sample);
        var grewThenQuiet = GrowthSettled(sample);
        _previous = sample;
        if ((!burstEnded && !grewThenQuiet) || sample.NowMs - _lastReclaimMs < (long)minInterval.TotalMilliseconds)
        {
            return ReclaimCause.None;
        }
        _lastReclaimMs = sample.NowMs;
        _lowSinceMs = Never;
        _quietSinceMs = Never;
        _peak = sample.Live;
        // Measured again from the next sample: what the reclaim could not return is the new floor,
        // so memory that is in use (long-lived connections' buffers) costs one reclaim, not one per interval.
        _floor = long.MaxValue;
        return burstEnded ? ReclaimCause.BurstEnded : ReclaimCause.GrewThenQuiet;
    }

    private bool BurstSettled(ReclaimSample sample)
    {
        if (sample.Live > _peak)
        {
            _peak = sample.Live;
        }
        if (!(_peak - sample.Live >= MinDrop && sample.Live <= _peak / 4))
        {
            _lowSinceMs = Never;
            return false;
        }
        if (_lowSinceMs == Never)
        {
            _lowSinceMs = sample.NowMs;
        }
        return sample.NowMs - _lowSinceMs >= (long)Settle.TotalMilliseconds;
    }

    private bool GrowthSettled(ReclaimSample sample)
    {
        if (sample.ResidentBytes > 0 && sample.ResidentBytes < _floor)
        {
            _floor = sample.ResidentBytes;
        }
        if (_previous is not { } previous || sample.NowMs <= previous.NowMs)
        {
            return false;
        }
        var elapsedMs = (double)(sample.NowMs - previous.NowMs);
        var allocationRate = (sample.AllocatedBytes - previous.AllocatedBytes) * 1000.0 / elapsedMs;
        var cpuShare = (sample.CpuMs - previous.CpuMs) / elapsedMs;
        if (allocationRate > QuietBytesPerSecond || cpuShare > QuietCpuShare)
        {
            _quietSinceMs = Never;
            return false;
        }
        if (_quietSinceMs == Never)
        {
            // Quiet from the previous sample on: the interval just measured was quiet.
            _quietSinceMs = previous.NowMs;
        }
        return sample.NowMs - _quietSinceMs >= (long)Settle.TotalMilliseconds
            && _floor != long.MaxValue && sample.ResidentBytes - _floor >= MinGrowth;
    }
}
