using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Runtime;

/// <summary>
/// When Relay gives memory back after a burst or after load (issue 17 §6): the trigger's
/// arithmetic on fixed samples, and the reclaimer's loop running a real full GC and malloc_trim.
/// The RSS it saves is measured by bench/hostile/memory_after_flood.py and the L7 load passes in
/// docs/performance.md, not here.
/// </summary>
public sealed class MemoryReclaimerTests
{
    private const long MiB = 1L << 20;

    private static ReclaimTrigger Trigger() => new(minDrop: 1_000, settle: TimeSpan.FromSeconds(5), minInterval: TimeSpan.FromSeconds(30),
        minGrowth: 16 * MiB, quietBytesPerSecond: MiB, quietCpuShare: 0.02);

    /// <summary>A connection-count sample with flat memory and no allocation: only the burst cause can fire.</summary>
    private static bool Burst(ReclaimTrigger trigger, int live, long nowMs) =>
        trigger.Observe(new ReclaimSample(live, 32 * MiB, 0, 0, nowMs)) == ReclaimCause.BurstEnded;

    /// <summary>Feeds one sample a second from <paramref name="fromS"/> to <paramref name="toS"/>; the causes that fired, by second.</summary>
    private static List<(int Second, ReclaimCause Cause)> Run(ReclaimTrigger trigger, int fromS, int toS, Func<int, long> residentMiB,
        Func<int, long> allocatedMiBPerSecond, ref long allocated, Func<int, long>? cpuMsPerSecond = null)
    {
        var fired = new List<(int, ReclaimCause)>();
        var cpuMs = 0L;
        for (var t = fromS; t <= toS; t++)
        {
            allocated += allocatedMiBPerSecond(t) * MiB;
            cpuMs += cpuMsPerSecond?.Invoke(t) ?? 2; // an idle Relay: 0.2% of a core
            var cause = trigger.Observe(new ReclaimSample(10, residentMiB(t) * MiB, allocated, cpuMs, t * 1_000L));
            if (cause != ReclaimCause.None)
            {
                fired.Add((t, cause));
            }
        }
        return fired;
    }

    [Fact]
    public void ABurstThatEnded_TriggersOnceAfterTheSettleTime()
    {
        var trigger = Trigger();
        Assert.False(Burst(trigger, 10_000, 0));
        Assert.False(Burst(trigger, 100, 1_000)); // over, but not for 5 s yet
        Assert.False(Burst(trigger, 100, 5_999));
        Assert.True(Burst(trigger, 100, 6_000));
        Assert.False(Burst(trigger, 100, 7_000)); // the drop is measured from the new peak (100)
        Assert.Equal(100, trigger.Peak);
    }

    [Fact]
    public void ChurnBelowTheMinimumDrop_NeverTriggers()
    {
        var trigger = Trigger();
        for (var t = 0; t < 600; t++)
        {
            // 900 connections coming and going every second for 10 minutes: a busy host, not a burst.
            Assert.False(Burst(trigger, t % 2 == 0 ? 900 : 0, t * 1_000L));
        }
    }

    [Fact]
    public void ADropThatLeavesMoreThanAQuarter_IsLoadNotABurstsEnd()
    {
        var trigger = Trigger();
        Assert.False(Burst(trigger, 4_000, 0));
        for (var t = 1; t <= 10; t++)
        {
            Assert.False(Burst(trigger, 2_000, t * 1_000L)); // dropped by 2,000 but half is still live
        }
    }

    [Fact]
    public void ABurstReturningWhileSettling_RestartsTheWait()
    {
        var trigger = Trigger();
        Burst(trigger, 5_000, 0);
        Assert.False(Burst(trigger, 0, 1_000));
        Assert.False(Burst(trigger, 4_500, 4_000)); // the flood came back
        Assert.False(Burst(trigger, 0, 5_000));
        Assert.False(Burst(trigger, 0, 9_999));
        Assert.True(Burst(trigger, 0, 10_000));
    }

    [Fact]
    public void WavesOfBursts_ReclaimAtMostOncePerInterval()
    {
        var trigger = Trigger();
        var reclaims = 0;
        for (var t = 0; t < 60; t++)
        {
            // A 2,000-connection wave every 10 s, gone within the second.
            reclaims += Burst(trigger, t % 10 == 0 ? 2_000 : 0, t * 1_000L) ? 1 : 0;
        }
        Assert.Equal(2, reclaims); // at 6 s and at 36 s; the waves between fall inside the 30 s interval
    }

    [Fact]
    [Trait("Tier", "Loopback")]
    public async Task TheLoop_RunsAFullGcAndTrim_OnceTheBurstIsOver()
    {
        var live = 500;
        await using var reclaimer = new MemoryReclaimer(() => Volatile.Read(ref live), NullLogger.Instance,
            new ReclaimTrigger(minDrop: 100, settle: TimeSpan.FromSeconds(1), minInterval: TimeSpan.FromSeconds(30),
                minGrowth: long.MaxValue, quietBytesPerSecond: 0, quietCpuShare: 0));
        await Task.Delay(1_500); // the peak is sampled (one tick a second)
        Assert.Equal(0, reclaimer.Reclaims);
        var gen2 = GC.CollectionCount(2);

        Volatile.Write(ref live, 0);
        await Eventually.TrueAsync(() => reclaimer.Reclaims == 1, TimeSpan.FromSeconds(15));

        Assert.True(GC.CollectionCount(2) >= gen2 + 2, "no full collection ran");
        await Task.Delay(2_500);
        Assert.Equal(1, reclaimer.Reclaims);
    }

    [Fact]
    public void HeapGrowthThenQuiet_TriggersOnceAfterTheSettleTime()
    {
        var trigger = Trigger();
        long allocated = 0;
        // 30 s of keep-alive load: 80 MiB/s allocated, RSS 32 → 130 MiB; then nothing allocates.
        var fired = Run(trigger, 0, 60, t => t < 30 ? 32 + (t * 98 / 30) : 130, t => t < 30 ? 80 : 0, ref allocated);
        // The second up to the sample at 30 s allocated nothing: quiet from 29 s, so settled at 34 s.
        Assert.Equal([(34, ReclaimCause.GrewThenQuiet)], fired);
    }

    [Fact]
    public void GrowthUnderSteadyLoad_DoesNotTrigger()
    {
        var trigger = Trigger();
        long allocated = 0;
        // The heap is in use: 2 MiB/s keeps coming, however far RSS is above its floor.
        Assert.Empty(Run(trigger, 0, 300, t => t < 10 ? 32 : 130, _ => 2, ref allocated));
    }

    [Fact]
    public void GrowthUnderL4Load_WaitsForTheCpuToGoQuiet()
    {
        var trigger = Trigger();
        long allocated = 0;
        // RSS grew 48 MiB and nothing allocates, but the process is busy (L4 traffic at 1k req/s
        // uses ~7% of a core and allocates almost nothing): no full GC under it. At 60 s it stops.
        var fired = Run(trigger, 0, 120, t => t < 5 ? 32 : 80, _ => 0, ref allocated, t => t < 60 ? 70 : 2);
        Assert.Equal([(64, ReclaimCause.GrewThenQuiet)], fired); // quiet from the sample at 59 s
    }

    [Fact]
    public void GrowthBelowTheMinimum_DoesNotTrigger()
    {
        var trigger = Trigger();
        long allocated = 0;
        // An L4 hop's load: +1.5 MiB, then quiet.
        Assert.Empty(Run(trigger, 0, 300, t => t < 10 ? 32 : 47, t => t < 10 ? 5 : 0, ref allocated));
    }

    [Fact]
    public void MemoryThatStaysAfterAReclaim_CostsOneReclaim_NotOnePerInterval()
    {
        var trigger = Trigger();
        long allocated = 0;
        // 10,000 long-lived idle connections hold their buffers: the reclaim returns nothing, the
        // floor is measured again from there, and the next reclaim waits for 16 MiB more growth.
        var fired = Run(trigger, 0, 300, t => t < 10 ? 32 : 230, t => t < 10 ? 50 : 0, ref allocated);
        Assert.Equal([(14, ReclaimCause.GrewThenQuiet)], fired);
        Assert.Equal(230 * MiB, trigger.Floor);

        fired = Run(trigger, 301, 400, t => t < 320 ? 230 : 250, t => t is >= 310 and < 320 ? 50 : 0, ref allocated);
        Assert.Equal([(324, ReclaimCause.GrewThenQuiet)], fired);
    }

    [Fact]
    public void BothCausesAtOnce_OneReclaim_NamedForTheBurst()
    {
        var trigger = Trigger();
        long allocated = 0;
        for (var t = 0; t <= 40; t++)
        {
            // The connections go at 20 s, the allocations a second later: both settle at 25 s.
            allocated += (t < 21 ? 50 : 0) * MiB;
            var cause = trigger.Observe(new ReclaimSample(t < 20 ? 5_000 : 0, (t < 20 ? 100 : 300) * MiB, allocated, 0, t * 1_000L));
            Assert.Equal(t == 25 ? ReclaimCause.BurstEnded : ReclaimCause.None, cause);
        }
    }

    [Fact]
    [Trait("Tier", "Loopback")]
    public async Task TheLoop_Reclaims_WhenResidentMemoryGrewAndStayed()
    {
        // Quiet always (the other tests in this process allocate as they like); growth: 8 MiB.
        await using var reclaimer = new MemoryReclaimer(() => 0, NullLogger.Instance,
            new ReclaimTrigger(minDrop: int.MaxValue, settle: TimeSpan.FromSeconds(1), minInterval: TimeSpan.FromSeconds(30),
                minGrowth: 8 * MiB, quietBytesPerSecond: long.MaxValue, quietCpuShare: double.MaxValue));
        await Task.Delay(1_500); // the floor is sampled (one tick a second)
        Assert.Equal(0, reclaimer.Reclaims);

        // 48 MiB, touched so that it is resident, held for the rest of the test.
        var held = new byte[48 << 20];
        held.AsSpan().Fill(1);
        await Eventually.TrueAsync(() => reclaimer.Reclaims == 1, TimeSpan.FromSeconds(15));
        // Still held, so no second reclaim: the floor is now measured from the held level.
        await Task.Delay(2_500);
        Assert.Equal(1, reclaimer.Reclaims);
        GC.KeepAlive(held);
    }

    [Fact]
    public void MallocTrim_IsCallable_OnThisLibc()
    {
        // glibc (Debian): the call binds and succeeds. The return value is whether memory was released.
        _ = NativeHeap.Trim();
        Assert.True(NativeHeap.Available, "malloc_trim did not bind: the reclaimer would only run the GC");
        Assert.True(NativeHeap.ResidentBytes() > 0);
    }
}
