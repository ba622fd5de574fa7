namespace Relay.Core.Runtime;

/// <summary>
/// When a burst of connections is over: the live count has fallen by at least
/// <see cref="MinDrop"/> from its peak, to a quarter of it or less, and stayed there for
/// <see cref="Settle"/>. Pure arithmetic on the samples it is given, so it is unit-tested without
/// a clock; <see cref="MemoryReclaimer"/> feeds it once a second.
/// </summary>
internal sealed class ReclaimTrigger(int minDrop, TimeSpan settle, TimeSpan minInterval)
{
    // 1,000 connections: a flood of stalled mesh handshakes left ~47 KiB per connection behind
    // (10,000 of them: 31 → 498 MiB, bench/hostile/memory_after_flood.py), so a burst this size
    // leaves ~45 MiB, worth the few milliseconds of one full GC and malloc_trim; ordinary churn
    // of a busy host (hundreds of connections coming and going) never reaches it.
    public const int DefaultMinDrop = 1_000;

    // 5 s: the burst is over (a flood's handshakes end at limits.inbound_handshake_timeout, 3 s),
    // so the reclaim does not run while it is still arriving.
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(5);

    // At most one reclaim per 30 s: a flood that comes in waves pays one full GC per wave, not one per second.
    public static readonly TimeSpan DefaultMinInterval = TimeSpan.FromSeconds(30);

    private const long Never = long.MinValue / 2;
    private int _peak;
    private long _lowSinceMs = Never;
    private long _lastReclaimMs = Never;

    public int MinDrop { get; } = minDrop;

    public TimeSpan Settle { get; } = settle;

    public static ReclaimTrigger Default() => new(DefaultMinDrop, DefaultSettle, DefaultMinInterval);

    /// <summary>The peak the next drop is measured from (the live count at the last reclaim, or since start).</summary>
    public int Peak => _peak;

    /// <summary>One sample of the live connection count; true when a reclaim should run now.</summary>
    public bool Observe(int live, long nowMs)
    {
        if (live > _peak)
        {
            _peak = live;
        }
        var burstOver = _peak - live >= MinDrop && live <= _peak / 4;
        if (!burstOver)
        {
            _lowSinceMs = Never;
            return false;
        }
        if (_lowSinceMs == Never)
        {
            _lowSinceMs = nowMs;
        }
        if (nowMs - _lowSinceMs < (long)Settle.TotalMilliseconds || nowMs - _lastReclaimMs < (long)minInterval.TotalMilliseconds)
        {
            return false;
        }
        _lastReclaimMs = nowMs;
        _lowSinceMs = Never;
        _peak = live;
        return true;
    }
}
