using System.Net;
using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Vocabulary;

namespace Relay.Tests.Connections;

[Trait("Tier", "Unit")]
public sealed class SourceKeyTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]   // one /64: one source
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7", true)]             // IPv4-mapped counts as IPv4
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("0.0.0.0", "::", false)]                             // the families never collide
    public void Of_GroupsIpv6ByPrefix_AndMapsIpv4(string a, string b, bool same) =>
        Assert.Equal(same, SourceKey.Of(new IPEndPoint(IPAddress.Parse(a), 1)) == SourceKey.Of(new IPEndPoint(IPAddress.Parse(b), 2)));

    [Fact]
    public void UnauthenticatedSources_RefusesPastTheLimit_UntilOneIsReleased()
    {
        var sources = new UnauthenticatedSources();
        var key = SourceKey.Of(new IPEndPoint(IPAddress.Loopback, 1))!.Value;

        Assert.True(sources.TryAcquire(key, 2));
        Assert.True(sources.TryAcquire(key, 2));
        Assert.False(sources.TryAcquire(key, 2));
        sources.Release(key);
        Assert.True(sources.TryAcquire(key, 2));
        sources.Release(key);
        sources.Release(key);
        Assert.Equal(0, sources.Sources);
    }

    [Fact]
    public async Task CapFor_SplitsTheDescriptorCapInProportionToTheDirectionLimits()
    {
        await using var registry = new ConnectionRegistry { DescriptorCap = 300 };
        var limits = new LimitsSnapshot(10_000, TimeSpan.FromSeconds(2), TimeSpan.FromHours(1), TimeSpan.FromSeconds(30), 65_536) { MaxInboundConnections = 1_000, MaxOutboundConnections = 2_000 };

        Assert.Equal(100, registry.CapFor(Direction.Inbound, limits));
        Assert.Equal(200, registry.CapFor(Direction.Outbound, limits));
        registry.DescriptorCap = int.MaxValue;
        Assert.Equal(1_000, registry.CapFor(Direction.Inbound, limits));
    }
}
