using Relay.Core.Connections;
using Relay.Tests.Support;

namespace Relay.Tests.Connections;

/// <summary>Token-bucket arithmetic of the inbound ports' rate limits.</summary>
[Trait("Tier", "Unit")]
public sealed class InboundRateLimitsTests
{
    private static InboundRateLimits Build(string port) => InboundRateLimits.Build(TestConfigs.Load($$"""
        mesh: { trust_domain: mesh.test }
        inbound:
          - {{port}}
        """).Inbound, null);

    [Fact]
    public void FullBucket_AdmitsTheBurst_ThenRefusesWithARetryAfterOfOneRefill()
    {
        var limits = Build("{ port: 8080, protocol: http, rate_limit: { requests_per_second: 10, burst: 5 } }");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(limits.TryRequest(8080, out _));
        }
        Assert.False(limits.TryRequest(8080, out var retryAfter));
        // One token per 100 ms at 10/s.
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void BurstDefaultsToOneSecondsWorth()
    {
        var limits = Build("{ port: 8080, protocol: http, rate_limit: { requests_per_second: 20 } }");
        Assert.Equal(20, Enumerable.Range(0, 100).Count(i => limits.TryRequest(8080, out var _)));
    }

    [Fact]
    public void ConnectionAndRequestBuckets_AreSeparate_AndOtherPortsUnlimited()
    {
        var limits = Build("{ port: 8080, protocol: http, connection_rate_limit: { connections_per_second: 2, burst: 2 } }");
        Assert.True(limits.TryConnection(8080));
        Assert.True(limits.TryConnection(8080));
        Assert.False(limits.TryConnection(8080));
        Assert.All(Enumerable.Range(0, 50), i => Assert.True(limits.TryRequest(8080, out var _)));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.True(limits.TryConnection(9090)));
    }

    [Fact]
    public void Reload_UnchangedLimit_KeepsTheBucketsLevel_ChangedOneStartsFull()
    {
        var config = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            inbound:
              - { port: 8080, protocol: http, rate_limit: { requests_per_second: 1, burst: 2 } }
            """);
        var first = InboundRateLimits.Build(config.Inbound, null);
        first.TryRequest(8080, out _);
        first.TryRequest(8080, out _);

        var same = InboundRateLimits.Build(config.Inbound, first);
        Assert.False(same.TryRequest(8080, out _));
        var changed = InboundRateLimits.Build(TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            inbound:
              - { port: 8080, protocol: http, rate_limit: { requests_per_second: 1, burst: 3 } }
            """).Inbound, same);
        Assert.True(changed.TryRequest(8080, out _));
    }
}
