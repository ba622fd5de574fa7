using System.Net;
using Relay.Core.Net;
using Relay.Core.Routing;
using Relay.Core.Vocabulary;
using Relay.Tests.Support;

namespace Relay.Tests.Routing;

[Trait("Tier", "Unit")]
public sealed class RouterTests
{
    private static string Yaml(string policy) => $$"""
        mesh: { trust_domain: mesh.test }
        capture: { outbound_policy: {{policy}}, outbound_port: 15001, inbound_port: 15006 }
        services:
          orders: { port: 8080, endpoints: [198.18.0.2:8080], mesh_tls: false }
        """;

    private static OriginalDestination Dst(string ip, int port) => new(new NetEndpoint(IPAddress.Parse(ip), port));

    [Fact]
    public void KnownDestination_RoutesToService_UnderEitherPolicy()
    {
        foreach (var policy in new[] { "passthrough", "registry-only" })
        {
            var route = Router.Route(Dst("198.18.0.2", 8080), TestConfigs.Load(Yaml(policy)));
            Assert.Equal(OutboundRouteKind.Service, route.Kind);
            Assert.Equal("orders", route.Service!.Name);
        }
    }

    [Fact]
    public void UnknownDestination_Passthrough_ForwardsUnchanged()
    {
        Assert.Equal(OutboundRouteKind.Passthrough, Router.Route(Dst("198.18.0.50", 443), TestConfigs.Load(Yaml("passthrough"))).Kind);
    }

    [Fact]
    public void UnknownDestination_RegistryOnly_IsRefusedWithReason()
    {
        var route = Router.Route(Dst("198.18.0.50", 443), TestConfigs.Load(Yaml("registry-only")));
        Assert.Equal(OutboundRouteKind.Refused, route.Kind);
        Assert.Equal(CloseReason.RegistryOnlyUnknownDestination, route.Refusal);
    }

    [Theory]
    [InlineData("127.0.0.1", 15001, true)]
    [InlineData("127.0.0.1", 15006, true)]
    [InlineData("::1", 15001, true)]
    [InlineData("198.18.0.50", 15001, false)]
    [InlineData("127.0.0.1", 8080, false)]
    public void LoopGuard_RefusesOwnListenersOnThisHost(string ip, int port, bool loop)
    {
        var config = TestConfigs.Load(Yaml("passthrough"));
        Assert.Equal(loop, LoopGuard.IsLoop(Dst(ip, port), new IPEndPoint(IPAddress.Parse("198.18.0.1"), 15001), config));
    }

    [Fact]
    public void LoopGuard_RefusesConnectionThatWasNotRedirected()
    {
        var config = TestConfigs.Load(Yaml("passthrough"));
        var local = new IPEndPoint(IPAddress.Parse("198.18.0.1"), 40000);
        Assert.True(LoopGuard.IsLoop(Dst("198.18.0.1", 40000), local, config));
    }
}
