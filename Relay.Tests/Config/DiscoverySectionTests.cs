using Relay.Core.Config;
using static Relay.Tests.Config.ConfigTestFiles;

namespace Relay.Tests.Config;

[Trait("Tier", "Unit")]
public sealed class DiscoverySectionTests
{
    private static string Service(string source, string extra = "") =>
        MeshHeader + extra + "services:\n  orders:\n    port: 8080\n    mesh_tls: false\n" + source;

    [Fact]
    public void Load_Dns_CompilesAbsoluteNameOnTheServicePort()
    {
        var service = Valid(Service("    dns: orders.internal\n")).Services[0];

        Assert.Equal(new DnsSourceSnapshot(DnsRecordKind.Address, "orders.internal.", 8080), service.Discovery);
        Assert.Empty(service.Endpoints);
    }

    [Fact]
    public void Load_DnsWithPort_UsesThatPort()
    {
        Assert.Equal(9090, Valid(Service("    dns: orders.internal:9090\n")).Services[0].Discovery!.Port);
    }

    [Fact]
    public void Load_Srv_CompilesWithoutPort()
    {
        var source = Valid(Service("    srv: _orders._tcp.service.consul\n")).Services[0].Discovery;

        Assert.Equal(new DnsSourceSnapshot(DnsRecordKind.Srv, "_orders._tcp.service.consul.", 0), source);
        Assert.Equal("srv:_orders._tcp.service.consul", source!.ToString());
    }

    [Fact]
    public void Load_DnsAndEndpoints_ErrorAtTheSecondKey()
    {
        var error = SingleError(Service("    endpoints: [198.18.0.2:8080]\n    dns: orders.internal\n"));

        AssertError(error, 8, 10, "services.orders.dns", "cannot be combined with endpoints");
    }

    [Fact]
    public void Load_DnsAndSrv_Error()
    {
        var error = SingleError(Service("    dns: orders.internal\n    srv: _orders._tcp.internal\n"));

        AssertError(error, 8, 10, "services.orders.srv", "cannot be combined with dns");
    }

    [Fact]
    public void Load_NoSource_EndpointsRequired()
    {
        var error = SingleError(Service(""));

        Assert.Equal("services.orders.endpoints", error.KeyPath);
    }

    [Theory]
    [InlineData("198.18.0.9", "is an IP address")]
    [InlineData("orders..internal", "is not a DNS name")]
    [InlineData("orders.internal:0", "port from 1 to 65535")]
    [InlineData("bad name.internal", "is not a DNS name")]
    public void Load_BadDnsValue_ErrorAtTheValue(string value, string message)
    {
        var error = SingleError(Service($"    dns: \"{value}\"\n"));

        AssertError(error, 7, 10, "services.orders.dns", message);
    }

    [Fact]
    public void Load_DiscoverySection_Compiled()
    {
        var snapshot = Valid(Service("    srv: _orders._tcp.service.consul\n",
            "discovery: { resolvers: [127.0.0.1:8600], min_ttl: 1s, max_ttl: 30s, query_timeout: 2s }\n"));

        Assert.Equal("127.0.0.1:8600", Assert.Single(snapshot.Discovery.Resolvers).ToString());
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)),
            (snapshot.Discovery.MinTtl, snapshot.Discovery.MaxTtl, snapshot.Discovery.QueryTimeout));
    }

    [Fact]
    public void Load_NoDiscoverySection_Defaults()
    {
        var discovery = Valid(Service("    dns: orders.internal\n")).Discovery;

        Assert.Empty(discovery.Resolvers);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5)), (discovery.MinTtl, discovery.MaxTtl, discovery.QueryTimeout));
    }

    [Fact]
    public void Load_MaxBelowMin_ErrorAtMax()
    {
        var error = SingleError(Service("    dns: orders.internal\n", "discovery:\n  min_ttl: 10s\n  max_ttl: 5s\n"));

        AssertError(error, 5, 12, "discovery.max_ttl", "below min_ttl");
    }

    [Fact]
    public void Load_ZeroTimeout_Error()
    {
        var error = SingleError(Service("    dns: orders.internal\n", "discovery: { query_timeout: 0s }\n"));

        Assert.Equal("discovery.query_timeout", error.KeyPath);
    }

    [Fact]
    public void Load_SubsetOfDiscoveredService_Error()
    {
        var yaml = Service("    dns: orders.internal\n    protocol: http\n    routes:\n      - backends: [{ subset: { version: v2 } }]\n");

        var error = SingleError(yaml);

        Assert.Contains("carries no labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListenerToDiscoveredServiceWithoutAddresses_Error()
    {
        var yaml = Service("    dns: orders.internal\n") + "listeners:\n  - { address: 127.0.0.1:9000, direction: outbound, service: orders }\n";

        Assert.Contains("give it addresses", SingleError(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListenerToDiscoveredServiceWithAddress_RoutesThroughIt()
    {
        var yaml = Service("    dns: orders.internal\n    addresses: [198.18.1.10]\n") + "listeners:\n  - { address: 127.0.0.1:9000, direction: outbound, service: orders }\n";

        var listener = Assert.Single(Valid(yaml).Listeners);

        Assert.Equal("198.18.1.10:8080", listener.Destination!.Endpoint.ToString());
    }
}
