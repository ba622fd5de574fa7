using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Runtime;
using Relay.Tests.Support;

namespace Relay.Tests.Runtime;

/// <summary>
/// When Relay gives memory back after a burst (issue 17 §6): the trigger's arithmetic on fixed
/// samples, and the reclaimer's loop running a real full GC and malloc_trim. The RSS it saves is
/// measured by bench/hostile/memory_after_flood.py (docs/performance.md), not here.
/// </summary>
public sealed class MemoryReclaimerTests
{
    private static ReclaimTrigger Trigger() => new(minDrop: 1_000, settle: TimeSpan.FromSeconds(5), minInterval: TimeSpan.FromSeconds(30));

    [Fact]
    public void ABurstThatEnded_TriggersOnceAfterTheSettleTime()
    {
        var trigger = Trigger();
        Assert.False(trigger.Observe(10_000, 0));
        Assert.False(trigger.Observe(100, 1_000)); // over, but not for 5 s yet
        Assert.False(trigger.Observe(100, 5_999));
        Assert.True(trigger.Observe(100, 6_000));
        Assert.False(trigger.Observe(100, 7_000)); // the drop is measured from the new peak (100)
        Assert.Equal(100, trigger.Peak);
    }

    [Fact]
    public void ChurnBelowTheMinimumDrop_NeverTriggers()
    {
        var trigger = Trigger();
        for (var t = 0; t < 600; t++)
        {
            // 900 connections coming and going every second for 10 minutes: a busy host, not a burst.
            Assert.False(trigger.Observe(t % 2 == 0 ? 900 : 0, t * 1_000L));
        }
    }

    [Fact]
    public void ADropThatLeavesMoreThanAQuarter_IsLoadNotABurstsEnd()
    {
        var trigger = Trigger();
        Assert.False(trigger.Observe(4_000, 0));
        for (var t = 1; t <= 10; t++)
        {
            Assert.False(trigger.Observe(2_000, t * 1_000L)); // dropped by 2,000 but half is still live
        }
    }

    [Fact]
    public void ABurstReturningWhileSettling_RestartsTheWait()
    {
        var trigger = Trigger();
        trigger.Observe(5_000, 0);
        Assert.False(trigger.Observe(0, 1_000));
        Assert.False(trigger.Observe(4_500, 4_000)); // the flood came back
        Assert.False(trigger.Observe(0, 5_000));
        Assert.False(trigger.Observe(0, 9_999));
        Assert.True(trigger.Observe(0, 10_000));
    }

    [Fact]
    public void WavesOfBursts_ReclaimAtMostOncePerInterval()
    {
        var trigger = Trigger();
        var reclaims = 0;
        for (var t = 0; t < 60; t++)
        {
            // A 2,000-connection wave every 10 s, gone within the second.
            reclaims += trigger.Observe(t % 10 == 0 ? 2_000 : 0, t * 1_000L) ? 1 : 0;
        }
        Assert.Equal(2, reclaims); // at 6 s and at 36 s; the waves between fall inside the 30 s interval
    }

    [Fact]
    [Trait("Tier", "Loopback")]
    public async Task TheLoop_RunsAFullGcAndTrim_OnceTheBurstIsOver()
    {
        var live = 500;
        await using var reclaimer = new MemoryReclaimer(() => Volatile.Read(ref live), NullLogger.Instance,
            new ReclaimTrigger(minDrop: 100, settle: TimeSpan.FromSeconds(1), minInterval: TimeSpan.FromSeconds(30)));
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
    public void MallocTrim_IsCallable_OnThisLibc()
    {
        // glibc (Debian): the call binds and succeeds. The return value is whether memory was released.
        _ = NativeHeap.Trim();
        Assert.True(NativeHeap.Available, "malloc_trim did not bind: the reclaimer would only run the GC");
        Assert.True(NativeHeap.ResidentBytes() > 0);
    }
}
