using Relay.Core.Config;
using Relay.Core.Connections;
using Relay.Core.Net;
using Relay.Core.Vocabulary;
using Relay.Tests.Support;
using static Relay.Tests.Upstreams.Discovery.TtlClampTests;

namespace Relay.Tests.Connections;

/// <summary>An app that resolved a dns: name itself and dialled a discovered endpoint is routed to the service, not the outbound policy.</summary>
[Trait("Tier", "Unit")]
public sealed class DiscoveredRouteTests
{
    private const string Yaml = """
        mesh: { trust_domain: mesh.test }
        capture: { outbound_policy: registry-only }
        services:
          orders: { port: 8080, dns: orders.internal, mesh_tls: false }
          billing: { port: 8080, endpoints: [198.18.0.9:8080], mesh_tls: false }
        """;

    private static ActiveConfig Running(params NetEndpoint[] discovered)
    {
        var active = ActiveConfig.Create(TestConfigs.Load(Yaml));
        var source = active.Snapshot.ServicesByName["orders"].Discovery!;
        return active with { Clusters = active.Clusters.WithEndpoints("orders", source, [.. discovered])! };
    }

    [Fact]
    public void Outbound_DiscoveredEndpoint_RoutesToItsService()
    {
        var (target, _) = TargetResolver.Outbound(new OriginalDestination(Endpoint("198.18.0.2")), Running(Endpoint("198.18.0.2")));

        Assert.Equal("orders", target!.Service!.Name);
        Assert.Equal(["198.18.0.2:8080"], target.Cluster!.Endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void Outbound_AddressNoLongerDiscovered_FollowsTheOutboundPolicy()
    {
        var (target, refusal) = TargetResolver.Outbound(new OriginalDestination(Endpoint("198.18.0.3")), Running(Endpoint("198.18.0.2")));

        Assert.Null(target);
        Assert.Equal(CloseReason.RegistryOnlyUnknownDestination, refusal);
    }

    [Fact]
    public void Outbound_ListedEndpointOfAnotherService_WinsOverADiscoveredOne()
    {
        var (target, _) = TargetResolver.Outbound(new OriginalDestination(Endpoint("198.18.0.9")), Running(Endpoint("198.18.0.9")));

        Assert.Equal("billing", target!.Service!.Name);
    }
}
