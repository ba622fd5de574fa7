using Relay.Core.Net;
using Relay.Core.Upstreams.Discovery;

namespace Relay.Tests.Upstreams.Discovery;

[Trait("Tier", "Unit")]
public sealed class TtlClampTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(0, 5)]      // Consul's default service_ttl and dnsmasq's local-ttl: not a query loop
    [InlineData(4, 5)]
    [InlineData(5, 5)]
    [InlineData(30, 30)]    // inside the bounds the record decides
    [InlineData(300, 300)]
    [InlineData(86400, 300)] // a day-long TTL is still re-checked every 5 min
    public void Clamp_KeepsTheTtlWithinMinAndMax(int ttlSeconds, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), TtlClamp.Clamp(TimeSpan.FromSeconds(ttlSeconds), Min, Max));
    }

    [Fact]
    public void NextRefresh_ResolvedAnswer_FollowsItsTtl()
    {
        var answer = DnsAnswer.Resolved([Endpoint("198.18.0.2")], TimeSpan.FromSeconds(42));

        Assert.Equal(TimeSpan.FromSeconds(42), TtlClamp.NextRefresh(answer, Min, Max));
    }

    [Fact]
    public void NextRefresh_FailedOrEmpty_RetriesAtTheMinimum()
    {
        Assert.Equal(Min, TtlClamp.NextRefresh(DnsAnswer.Failed("timeout"), Min, Max));
        Assert.Equal(Min, TtlClamp.NextRefresh(DnsAnswer.Empty("NXDOMAIN"), Min, Max));
    }

    [Fact]
    public void Resolved_SameRecordsInAnotherOrder_SameSet()
    {
        var a = DnsAnswer.Resolved([Endpoint("198.18.0.3"), Endpoint("198.18.0.2"), Endpoint("198.18.0.3")], TimeSpan.Zero);
        var b = DnsAnswer.Resolved([Endpoint("198.18.0.2"), Endpoint("198.18.0.3")], TimeSpan.Zero);

        Assert.Equal(b.Endpoints.ToArray(), a.Endpoints.ToArray());
        Assert.Equal(["198.18.0.2:8080", "198.18.0.3:8080"], a.Endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void Resolved_NoAddresses_IsEmpty()
    {
        Assert.Equal(DnsOutcome.Empty, DnsAnswer.Resolved([], TimeSpan.FromSeconds(10)).Outcome);
    }

    internal static NetEndpoint Endpoint(string address, int port = 8080) => new(System.Net.IPAddress.Parse(address), port);
}
