using System.Net;
using Relay.Core.Listeners;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tests.Support;

namespace Relay.Tests.Listeners;

[Trait("Tier", "Unit")]
public sealed class ListenerSetDesiredTests
{
    [Fact]
    public void Desired_WithExplicitListeners_YieldsThemAfterCaptureWithFixedDestinations()
    {
        var config = TestConfigs.Load("""
            mesh: { trust_domain: mesh.test }
            capture: { outbound_port: 25001, inbound_port: 25006, ipv6: false }
            services:
              app: { port: 80, endpoints: [198.18.0.2:8080], mesh_tls: false }
            inbound:
              - port: 18080
            listeners:
              - { address: 127.0.0.1:19101, direction: outbound, service: app }
              - { address: 127.0.0.1:19203, direction: inbound, inbound_port: 18080 }
            """);

        var specs = ListenerSet.Desired(config).ToList();

        Assert.Equal(
        [
            new ListenerSpec(new NetEndpoint(IPAddress.Any, 25001), Direction.Outbound),
            new ListenerSpec(new NetEndpoint(IPAddress.Any, 25006), Direction.Inbound),
            new ListenerSpec(new NetEndpoint(IPAddress.Loopback, 19101), Direction.Outbound,
                new OriginalDestination(new NetEndpoint(IPAddress.Parse("198.18.0.2"), 8080))),
            new ListenerSpec(new NetEndpoint(IPAddress.Loopback, 19203), Direction.Inbound,
                new OriginalDestination(new NetEndpoint(IPAddress.Loopback, 18080))),
        ], specs);
    }

    [Fact]
    public void Desired_WithoutListeners_OnlyCaptureListeners()
    {
        var config = TestConfigs.Load("mesh: { trust_domain: mesh.test }\ncapture: { ipv6: false }\n");

        Assert.All(ListenerSet.Desired(config), spec => Assert.Null(spec.FixedDestination));
        Assert.Equal(2, ListenerSet.Desired(config).Count());
    }
}
