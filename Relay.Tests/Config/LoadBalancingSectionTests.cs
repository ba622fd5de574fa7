using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class LoadBalancingSectionTests
{
    private static string Service(string keys) =>
        MeshHeader + "services:\n  orders:\n    port: 80\n    endpoints: [198.18.0.2:80]\n    mesh_tls: false\n" + keys;

    [Theory]
    [InlineData("round-robin", LoadBalancing.RoundRobin)]
    [InlineData("random", LoadBalancing.Random)]
    [InlineData("least-request", LoadBalancing.LeastRequest)]
    [InlineData("peak-ewma", LoadBalancing.PeakEwma)]
    [InlineData("ring-hash", LoadBalancing.RingHash)]
    public void Load_EachBalancerWord_Compiled(string word, LoadBalancing expected)
    {
        Assert.Equal(expected, Valid(Service($"    load_balancing: {word}\n")).Services[0].LoadBalancing);
    }

    [Theory]
    [InlineData("http", LoadBalancing.PeakEwma)]
    [InlineData("http2", LoadBalancing.PeakEwma)]
    [InlineData("grpc", LoadBalancing.PeakEwma)]
    [InlineData("tcp", LoadBalancing.RoundRobin)]
    [InlineData("auto", LoadBalancing.RoundRobin)]
    public void Load_DefaultBalancer_PeakEwmaForHttpServices_RoundRobinOtherwise(string protocol, LoadBalancing expected)
    {
        Assert.Equal(expected, Valid(Service($"    protocol: {protocol}\n")).Services[0].LoadBalancing);
    }

    [Fact]
    public void Load_RingHash_HashesClientAddressUnlessAHeaderIsNamed()
    {
        var byAddress = Valid(Service("    load_balancing: ring-hash\n")).Services[0];
        var byHeader = Valid(Service("    protocol: http\n    load_balancing: ring-hash\n    hash_on: header:X-User\n")).Services[0];

        Assert.Equal(HashOn.ClientAddress, byAddress.HashOn);
        Assert.Equal("x-user", byHeader.HashOn!.Value.Header);
        Assert.Null(Valid(Service("    load_balancing: random\n")).Services[0].HashOn);
    }

    [Fact]
    public void Load_HashOnWithoutRingHash_Reported()
    {
        var error = SingleError(Service("    load_balancing: least-request\n    hash_on: client-address\n"));

        AssertError(error, 9, 14, "services.orders.hash_on", "applies only with load_balancing: ring-hash");
    }

    [Fact]
    public void Load_HashOnHeaderForTcpService_Reported()
    {
        var error = SingleError(Service("    load_balancing: ring-hash\n    hash_on: header:x-user\n"));

        AssertError(error, 9, 14, "services.orders.hash_on", "use client-address");
    }

    [Fact]
    public void Load_HashOnBadValue_Reported()
    {
        var error = SingleError(Service("    load_balancing: ring-hash\n    hash_on: cookie\n"));

        AssertError(error, 9, 14, "services.orders.hash_on", "expected 'client-address' or 'header:NAME', got 'cookie'");
    }
}
