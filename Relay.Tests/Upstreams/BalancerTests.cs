using System.Net;
using Relay.Core.Net;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Balancing;

namespace Relay.Tests.Upstreams;

/// <summary>Each balancer's choice distribution on a fixed seed, over three endpoints.</summary>
[Trait("Tier", "Unit")]
public sealed class BalancerTests
{
    private const int Picks = 30_000;

    private static readonly int[] All = [0, 1, 2];

    private static EndpointState[] Endpoints(int count = 3) =>
        [.. Enumerable.Range(0, count).Select(i => new EndpointState(new NetEndpoint(IPAddress.Parse($"198.18.0.{i + 2}"), 8080), 0))];

    private static int[] Distribution(ILoadBalancer balancer, EndpointState[] endpoints, long nowMs = 0)
    {
        var counts = new int[endpoints.Length];
        for (var i = 0; i < Picks; i++)
        {
            counts[balancer.Pick(All, endpoints, new PickContext(nowMs))]++;
        }
        return counts;
    }

    [Fact]
    public void RoundRobin_EqualShares_Exactly()
    {
        Assert.Equal([10_000, 10_000, 10_000], Distribution(new RoundRobinBalancer(), Endpoints()));
    }

    [Fact]
    public void RoundRobin_OverASubset_RotatesWithinIt()
    {
        var balancer = new RoundRobinBalancer();
        var picks = Enumerable.Range(0, 4).Select(_ => balancer.Pick([0, 2], Endpoints(), new PickContext(0))).ToArray();
        Assert.Equal([0, 2, 0, 2], picks);
    }

    [Fact]
    public void Random_EachShareWithinTwoPercentOfAThird()
    {
        var counts = Distribution(new RandomBalancer(new Random(42)), Endpoints());
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));
    }

    [Fact]
    public void LeastRequest_NeverPicksTheBusiest_AndTheIdlestWinsEveryDrawItIsIn()
    {
        var endpoints = Endpoints();
        Hold(endpoints[1], 3);
        Hold(endpoints[2], 6);

        var counts = Distribution(new LeastRequestBalancer(new Random(42)), endpoints);

        // Two distinct of three: endpoint 0 is in 2/3 of the draws and wins them all; 1 wins the rest; 2 never.
        Assert.InRange(counts[0], 19_400, 20_600);
        Assert.InRange(counts[1], 9_400, 10_600);
        Assert.Equal(0, counts[2]);
    }

    [Fact]
    public void LeastRequest_AllIdle_SpreadsEvenly()
    {
        var counts = Distribution(new LeastRequestBalancer(new Random(7)), Endpoints());
        Assert.All(counts, c => Assert.InRange(c, 9_400, 10_600));
    }

    [Fact]
    public void PeakEwma_SlowEndpointLosesEveryDraw()
    {
        var endpoints = Endpoints();
        endpoints[0].Latency.Observe(TimeSpan.FromMilliseconds(1), 0);
        endpoints[1].Latency.Observe(TimeSpan.FromMilliseconds(1), 0);
        // Bring the two fast ones below the 30 ms default: decay with 1 ms samples.
        for (var t = 1; t <= 20; t++)
        {
            endpoints[0].Latency.Observe(TimeSpan.FromMilliseconds(1), t * 1000);
            endpoints[1].Latency.Observe(TimeSpan.FromMilliseconds(1), t * 1000);
        }
        endpoints[2].Latency.Observe(TimeSpan.FromMilliseconds(51), 20_000);

        var counts = Distribution(new PeakEwmaBalancer(new Random(42)), endpoints, nowMs: 20_000);

        Assert.Equal(0, counts[2]);
        Assert.InRange(counts[0], 14_400, 15_600);
    }

    [Fact]
    public void PeakEwma_InFlightMultipliesTheCost()
    {
        var endpoints = Endpoints(2);
        endpoints[0].Latency.Observe(TimeSpan.FromMilliseconds(40), 0);
        endpoints[1].Latency.Observe(TimeSpan.FromMilliseconds(40), 0);
        Hold(endpoints[0], 1);

        // Same latency, one request in flight on endpoint 0: cost 80 vs 40, endpoint 1 always wins.
        var balancer = new PeakEwmaBalancer(new Random(42));
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(1, balancer.Pick([0, 1], endpoints, new PickContext(0)));
        }
    }

    [Fact]
    public void EveryBalancer_SingleCandidate_IsPicked()
    {
        var endpoints = Endpoints();
        ILoadBalancer[] balancers = [new RoundRobinBalancer(), new RandomBalancer(new Random(1)), new LeastRequestBalancer(new Random(1)),
            new PeakEwmaBalancer(new Random(1)), new RingHashBalancer([.. endpoints.Select(e => e.Address)], new Random(1))];
        foreach (var balancer in balancers)
        {
            Assert.Equal(1, balancer.Pick([1], endpoints, new PickContext(0, 12345)));
        }
    }

    private static void Hold(EndpointState endpoint, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _ = endpoint.Begin();
        }
    }
}
