using System.Net;
using Relay.Core.Net;
using Relay.Core.Upstreams;
using Relay.Core.Upstreams.Balancing;

namespace Relay.Tests.Upstreams;

[Trait("Tier", "Unit")]
public sealed class RingHashTests
{
    private const int Keys = 20_000;

    private static NetEndpoint[] Addresses(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new NetEndpoint(IPAddress.Parse($"198.18.{i / 200}.{(i % 200) + 2}"), 8080))];

    private static int[] Assign(NetEndpoint[] addresses, int[]? candidates = null)
    {
        var balancer = new RingHashBalancer(addresses, new Random(1));
        var states = addresses.Select(a => new EndpointState(a, 0)).ToArray();
        candidates ??= [.. Enumerable.Range(0, addresses.Length)];
        return [.. Enumerable.Range(0, Keys).Select(k => balancer.Pick(candidates, states, new PickContext(0, RingHashBalancer.Hash($"user-{k}"))))];
    }

    [Fact]
    public void SameKey_SameEndpoint_EveryTime()
    {
        Assert.Equal(Assign(Addresses(5)), Assign(Addresses(5)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(50)]
    public void AddingOneEndpoint_MovesAboutOneNthOfTheKeys_AllToTheNewOne(int count)
    {
        var before = Assign(Addresses(count));
        var after = Assign(Addresses(count + 1));

        var moved = Enumerable.Range(0, Keys).Where(k => before[k] != after[k]).ToList();
        // Ideal: 1/(N+1) of the keys, every one to the new endpoint; ⌈1024/N⌉ points each leave ±~30% spread.
        Assert.InRange(moved.Count, 1, (int)(Keys * 1.4 / (count + 1)));
        Assert.All(moved, k => Assert.Equal(count, after[k]));
    }

    [Fact]
    public void SpreadOverEndpoints_WithinThirtyPercentOfEven()
    {
        var counts = Assign(Addresses(4)).GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, Keys / 4 * 0.7, Keys / 4 * 1.3));
    }

    [Fact]
    public void EndpointLeavingTheCandidates_MovesOnlyItsOwnKeys()
    {
        var addresses = Addresses(5);
        var all = Assign(addresses);
        var withoutTwo = Assign(addresses, [0, 1, 3, 4]);

        for (var k = 0; k < Keys; k++)
        {
            if (all[k] != 2)
            {
                Assert.Equal(all[k], withoutTwo[k]);
            }
            else
            {
                Assert.NotEqual(2, withoutTwo[k]);
            }
        }
    }

    [Fact]
    public void NoKey_FallsBackToAnyCandidate()
    {
        var addresses = Addresses(3);
        var balancer = new RingHashBalancer(addresses, new Random(1));
        var states = addresses.Select(a => new EndpointState(a, 0)).ToArray();
        var picks = Enumerable.Range(0, 300).Select(_ => balancer.Pick([0, 1, 2], states, new PickContext(0))).Distinct().Count();
        Assert.Equal(3, picks);
    }
}
