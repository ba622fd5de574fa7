using Relay.Core.Observability;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Observability;

/// <summary>
/// The dashboard's p50/p99 (<c>/stats</c>) cover the last minute, not the time since start: after
/// a long fast run, a pause and a slow burst, they describe the burst; with no request in the
/// window they are empty; the since-start counts and buckets stay cumulative.
/// </summary>
[Trait("Tier", "Unit")]
public sealed class LatencyWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AfterTrafficStopsAndASlowBurstFollows_TheWindowedQuantilesDescribeTheBurst()
    {
        var clock = new ManualTimeProvider(Start);
        var stats = new TrafficStats(clock);
        for (var i = 0; i < 1000; i++)
        {
            Request(stats, TimeSpan.FromMilliseconds(1));
        }
        var fast = Orders(stats, clock);
        Assert.InRange(fast.P99Seconds!.Value, 0, 0.001);

        clock.Advance(TimeSpan.FromSeconds(90));
        for (var i = 0; i < 5; i++)
        {
            Request(stats, TimeSpan.FromSeconds(2));
        }
        var burst = Orders(stats, clock);

        // Since start, 1000 of 1005 requests took 1 ms; in the window, all five took 2 s (bucket 1–2.5 s).
        Assert.InRange(burst.P50Seconds!.Value, 1, 2.5);
        Assert.InRange(burst.P99Seconds!.Value, 1, 2.5);
        Assert.Equal(5, burst.WindowRequests);
        Assert.Equal(1005, burst.Requests);
        Assert.Equal(1005, burst.LatencyBuckets.Sum());
        Assert.Equal(60, stats.View(clock.GetUtcNow()).WindowSeconds);
    }

    [Fact]
    public void Window_SlidesSlotBySlot_AndEmptiesAMinuteAfterTheLastRequest()
    {
        var clock = new ManualTimeProvider(Start);
        var stats = new TrafficStats(clock);
        Request(stats, TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(30));
        Request(stats, TimeSpan.FromMilliseconds(1));
        Request(stats, TimeSpan.FromMilliseconds(1));
        Request(stats, TimeSpan.FromMilliseconds(1));

        // Both inside the minute: the slow one is the p99.
        Assert.Equal(4, Orders(stats, clock).WindowRequests);
        Assert.InRange(Orders(stats, clock).P99Seconds!.Value, 1, 2.5);

        // 40 s later the slow one (70 s old) has left; the fast ones (40 s) remain.
        clock.Advance(TimeSpan.FromSeconds(40));
        var later = Orders(stats, clock);
        Assert.Equal(3, later.WindowRequests);
        Assert.InRange(later.P99Seconds!.Value, 0, 0.001);

        // A minute after the last request nothing is left: no quantile rather than a stale one.
        clock.Advance(TimeSpan.FromSeconds(30));
        var idle = Orders(stats, clock);
        Assert.Equal(0, idle.WindowRequests);
        Assert.Null(idle.P50Seconds);
        Assert.Null(idle.P99Seconds);
        Assert.Equal(4, idle.Requests);
    }

    [Fact]
    public void SlotReused_AfterAFullTurnOfTheRing_CountsOnlyItsNewRequests()
    {
        var clock = new ManualTimeProvider(Start);
        var stats = new TrafficStats(clock);
        Request(stats, TimeSpan.FromSeconds(2));
        // Exactly one ring later the same slot index comes round again; its old count must be cleared.
        clock.Advance(LatencyWindow.Window);
        Request(stats, TimeSpan.FromMilliseconds(1));

        var view = Orders(stats, clock);
        Assert.Equal(1, view.WindowRequests);
        Assert.InRange(view.P99Seconds!.Value, 0, 0.001);
    }

    private static void Request(TrafficStats stats, TimeSpan duration) =>
        stats.Request(Direction.Outbound, "orders", null, "GET", "/x", 200, duration);

    private static ServiceView Orders(TrafficStats stats, ManualTimeProvider clock) =>
        stats.View(clock.GetUtcNow()).Services.Single(s => s.Service == "orders");
}
