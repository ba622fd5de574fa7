using Relay.Core.Upstreams;

namespace Relay.Tests.Upstreams;

/// <summary>Zone spill-over arithmetic: Envoy's priority load with overprovisioning factor 1.4.</summary>
[Trait("Tier", "Unit")]
public sealed class ZoneSpillTests
{
    [Theory]
    [InlineData(3, 3, 3, 3, 1.0)]     // all healthy: everything stays local
    [InlineData(3, 4, 3, 3, 1.0)]     // 75% × 1.4 = 105%: still all local
    [InlineData(5, 7, 3, 3, 1.0)]     // 71.4% × 1.4 = 100%: the edge
    [InlineData(1, 2, 3, 3, 0.7)]     // 50% × 1.4 = 70% local, 30% spills
    [InlineData(1, 4, 4, 4, 0.35)]    // 25% × 1.4 = 35%
    [InlineData(0, 3, 3, 3, 0.0)]     // local zone down: all cross-zone
    [InlineData(1, 2, 0, 3, 1.0)]     // other zones down too: what is left is local (scaled to 100%)
    [InlineData(1, 4, 1, 4, 0.5)]     // 35% + 35% = 70%, scaled: half each
    [InlineData(0, 2, 0, 2, 0.0)]     // nothing healthy anywhere
    public void LocalShare(int healthyLocal, int local, int healthyRemote, int remote, double expected)
    {
        Assert.Equal(expected, ZoneSpill.LocalShare(healthyLocal, local, healthyRemote, remote), 3);
    }
}
