using System.Collections.Immutable;
using Relay.Core.Config;
using Relay.Core.Net;
using Relay.Core.Upstreams;
using Relay.Tests.Support;
using static Relay.Tests.Upstreams.Discovery.TtlClampTests;

namespace Relay.Tests.Upstreams.Discovery;

/// <summary>ClusterSet.WithEndpoints, discovery's entry point: a changed set is applied as a reload applies a changed service.</summary>
[Trait("Tier", "Unit")]
public sealed class ClusterSetDiscoveryTests
{
    private const string Yaml = """
        mesh: { trust_domain: mesh.test }
        services:
          orders: { port: 8080, dns: orders.internal, mesh_tls: false }
          billing: { port: 8080, endpoints: [198.18.0.9:8080], mesh_tls: false }
        """;

    private static readonly ImmutableArray<NetEndpoint> Two = [Endpoint("198.18.0.2"), Endpoint("198.18.0.3")];

    private static (ConfigSnapshot Snapshot, ClusterSet Clusters, DnsSourceSnapshot Source) Discovered()
    {
        var snapshot = TestConfigs.Load(Yaml);
        var clusters = ClusterSet.Build(snapshot.Services);
        var source = snapshot.ServicesByName["orders"].Discovery!;
        return (snapshot, clusters.WithEndpoints("orders", source, Two)!, source);
    }

    [Fact]
    public void Build_DiscoveredService_StartsWithoutEndpoints_AndPicksNothing()
    {
        var snapshot = TestConfigs.Load(Yaml);
        var orders = ClusterSet.Build(snapshot.Services)[snapshot.ServicesByName["orders"]];

        Assert.Empty(orders.Endpoints);
        Assert.Empty(orders.PickOrder(0));
    }

    [Fact]
    public void WithEndpoints_KeepsTheStateOfEndpointsThatStayed_AndOtherServicesUntouched()
    {
        var (snapshot, clusters, source) = Discovered();
        var orders = clusters[snapshot.ServicesByName["orders"]];
        var stayed = orders.StateOf(1);
        orders.Report(1, EndpointOutcome.ConnectFailed, nowMs: 1000);
        using var lease = stayed.Begin();

        var moved = clusters.WithEndpoints("orders", source, [Endpoint("198.18.0.3"), Endpoint("198.18.0.4")])!;
        var next = moved[snapshot.ServicesByName["orders"]];

        Assert.Equal(["198.18.0.3:8080", "198.18.0.4:8080"], next.Endpoints.Select(e => e.ToString()));
        Assert.Same(stayed, next.StateOf(0));
        Assert.True(next.HealthOf(0).IsEjected(1000));
        Assert.Equal(1, next.StateOf(0).InFlight);
        Assert.Same(orders.Breakers, next.Breakers);
        Assert.Same(clusters[snapshot.ServicesByName["billing"]], moved[snapshot.ServicesByName["billing"]]);
    }

    [Fact]
    public void WithEndpoints_SameSet_OrUnknownService_OrOtherSource_Null()
    {
        var (_, clusters, source) = Discovered();

        Assert.Null(clusters.WithEndpoints("orders", source, Two));
        Assert.Null(clusters.WithEndpoints("nope", source, Two));
        Assert.Null(clusters.WithEndpoints("orders", source with { Port = 9090 }, [Endpoint("198.18.0.5")]));
        Assert.Null(clusters.WithEndpoints("billing", source, Two));
    }

    [Fact]
    public void Build_Reload_KeepsTheDiscoveredSetWhileTheSourceStays()
    {
        var (_, clusters, _) = Discovered();
        var reloaded = TestConfigs.Load(Yaml.Replace("billing: { port: 8080", "billing: { port: 8081", StringComparison.Ordinal));

        var next = ClusterSet.Build(reloaded.Services, clusters);

        Assert.Equal(Two.ToArray(), next[reloaded.ServicesByName["orders"]].Endpoints.ToArray());
    }

    [Fact]
    public void Build_Reload_NewSourceStartsEmpty()
    {
        var (_, clusters, _) = Discovered();
        var reloaded = TestConfigs.Load(Yaml.Replace("dns: orders.internal", "dns: orders.other", StringComparison.Ordinal));

        var next = ClusterSet.Build(reloaded.Services, clusters);

        Assert.Empty(next[reloaded.ServicesByName["orders"]].Endpoints);
    }

    [Fact]
    public void DiscoveredAt_FindsTheServiceOfADiscoveredEndpoint_OnlyWhileItIsInTheSet()
    {
        var (_, clusters, source) = Discovered();

        Assert.Equal("orders", clusters.DiscoveredAt(Endpoint("198.18.0.3")));
        Assert.Null(clusters.DiscoveredAt(Endpoint("198.18.0.3", 9090)));
        Assert.Null(clusters.DiscoveredAt(Endpoint("198.18.0.9")));
        Assert.Null(clusters.WithEndpoints("orders", source, [Endpoint("198.18.0.4")])!.DiscoveredAt(Endpoint("198.18.0.3")));
    }
}
