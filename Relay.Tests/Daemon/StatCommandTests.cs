using Relay.Core.Observability;
using Relay.Daemon.Commands;

namespace Relay.Tests.Daemon;

/// <summary>relay stat / relay top tables from two /stats snapshots: window rates, success, quantiles, alignment.</summary>
[Trait("Tier", "Unit")]
public sealed class StatCommandTests
{
    [Fact]
    public void Stat_OverTheWindow_RatesSuccessAndQuantilesFromTheDeltas()
    {
        var before = View(1_000, Service("outbound", "orders", 100, 0, Buckets((2, 100))), Service("inbound", "inbound:8080", 0, 0, Buckets()));
        // 2 s later: 40 more to orders, 4 of them failed, 36 fast (bucket 2: ≤ 2.5 ms) and 4 slow (bucket 9: ≤ 500 ms).
        var after = View(3_000, Service("outbound", "orders", 140, 4, Buckets((2, 136), (9, 4)), active: 3), Service("inbound", "inbound:8080", 0, 0, Buckets()));

        var table = StatTables.Stat(before, after);

        Assert.Equal(
            """
            DIRECTION  SERVICE       SUCCESS   RPS  LATENCY_P50  LATENCY_P99  TCP_CONN
            outbound   orders         90.00%  20.0       1.83ms        475ms         3
            inbound    inbound:8080        -   0.0            -            -         0

            """.ReplaceLineEndings("\n"), table);
    }

    [Fact]
    public void Stat_WithRoutes_AddsARowPerRoute_FromItsOwnDeltas()
    {
        var before = View(1_000, Service("outbound", "orders", 100, 0, Buckets((2, 100)))) with
        {
            Routes = [Service("outbound", "orders", 60, 0, Buckets((2, 60))) with { Route = "canary" }],
        };
        // 1 s later: 10 to canary (1 failed, slow), 30 to route-1 (new since the first snapshot).
        var after = View(2_000, Service("outbound", "orders", 140, 1, Buckets((2, 139), (9, 1)))) with
        {
            Routes =
            [
                Service("outbound", "orders", 70, 1, Buckets((2, 69), (9, 1))) with { Route = "canary" },
                Service("outbound", "orders", 30, 0, Buckets((2, 30))) with { Route = "route-1" },
            ],
        };

        var table = StatTables.Stat(before, after);

        Assert.Equal(
            """
            DIRECTION  SERVICE  SUCCESS   RPS  LATENCY_P50  LATENCY_P99  TCP_CONN
            outbound   orders    97.50%  40.0       1.77ms        400ms         0

            DIRECTION  SERVICE  ROUTE    SUCCESS   RPS  LATENCY_P50  LATENCY_P99
            outbound   orders   canary    90.00%  10.0       1.83ms        475ms
            outbound   orders   route-1  100.00%  30.0       1.75ms       2.49ms

            """.ReplaceLineEndings("\n"), table);
    }

    [Fact]
    public void Top_BusiestPathsInTheWindow_MostFirst_IdleOnesLeftOut()
    {
        var before = View(0, [], [new PathView("outbound", "orders", "GET", "/a", 10, 0), new PathView("outbound", "orders", "GET", "/idle", 50, 0)]);
        var after = View(1_000, [], [
            new PathView("outbound", "orders", "GET", "/a", 13, 1),
            new PathView("outbound", "orders", "GET", "/idle", 50, 0),
            new PathView("inbound", "inbound:8080", "POST", "/users/new", 7, 0),
        ]);

        var table = StatTables.Top(before, after, limit: 20);

        Assert.Equal(
            """
            DIRECTION  SERVICE       METHOD  PATH        COUNT  RPS  SUCCESS
            inbound    inbound:8080  POST    /users/new      7  7.0  100.00%
            outbound   orders        GET     /a              3  3.0   66.67%

            """.ReplaceLineEndings("\n"), table);
    }

    [Fact]
    public void Stat_AfterARestart_CountsShrinking_TakesTheNewCountsWhole()
    {
        var before = View(0, Service("outbound", "orders", 500, 0, Buckets((2, 500))));
        var after = View(1_000, Service("outbound", "orders", 10, 0, Buckets((2, 10))));

        Assert.Contains("100.00%  10.0", StatTables.Stat(before, after));
    }

    private static TrafficView View(long at, params ServiceView[] services) => new(at, [.. services], [], []);

    private static TrafficView View(long at, ServiceView[] services, PathView[] paths) => new(at, [.. services], [], [.. paths]);

    private static ServiceView Service(string direction, string service, long requests, long failures, long[] buckets, long active = 0) =>
        new(direction, service, requests, failures, active, null, null, buckets);

    private static long[] Buckets(params (int Index, long Count)[] counts)
    {
        var buckets = new long[MetricBuckets.RequestDuration.Count + 1];
        foreach (var (index, count) in counts)
        {
            buckets[index] = count;
        }
        return buckets;
    }
}
