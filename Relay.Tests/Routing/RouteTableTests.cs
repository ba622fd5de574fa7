using System.Net;
using Relay.Core.Net;
using Relay.Tests.Support;

namespace Relay.Tests.Routing;

[Trait("Tier", "Unit")]
public sealed class RouteTableTests
{
    private const string Yaml = """
        mesh: { trust_domain: mesh.test }
        services:
          orders:
            port: 8080
            addresses: [198.18.10.1, "fd00::10"]
            endpoints: [198.18.0.2:8080, "[fd00::2]:8080"]
            mesh_tls: false
          users:
            port: 9000
            endpoints: [198.18.0.3:9001]
            mesh_tls: false
        """;

    [Theory]
    [InlineData("198.18.0.2", 8080, "orders")]
    [InlineData("fd00::2", 8080, "orders")]
    [InlineData("198.18.10.1", 8080, "orders")]
    [InlineData("fd00::10", 8080, "orders")]
    [InlineData("::ffff:198.18.0.2", 8080, "orders")]
    [InlineData("198.18.0.3", 9001, "users")]
    public void Lookup_FindsServiceByEndpointOrExtraAddress(string address, int port, string service)
    {
        var routes = TestConfigs.Load(Yaml).Routes;
        var found = routes.Lookup(new OriginalDestination(new NetEndpoint(IPAddress.Parse(address), port)));
        Assert.Equal(service, found?.Name);
    }

    [Theory]
    [InlineData("198.18.0.2", 9090)]
    [InlineData("198.18.10.1", 9000)]
    [InlineData("198.18.0.3", 9000)]
    [InlineData("198.18.0.99", 8080)]
    public void Lookup_MissesOtherPortsAndAddresses(string address, int port)
    {
        var routes = TestConfigs.Load(Yaml).Routes;
        Assert.Null(routes.Lookup(new OriginalDestination(new NetEndpoint(IPAddress.Parse(address), port))));
    }
}
